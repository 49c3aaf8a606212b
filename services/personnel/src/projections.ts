/**
 * The personnel service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service personnel`); PersonnelModule runs the same list.
 */
import { AnyProjection, registerProjections } from '@register/read-models';
import { personnelSchemas } from './application/schemas';
import { memberDirectoryProjection } from './members/member-directory.projection';
import { officerPostsProjection } from './officers/officer-posts.projection';
import { personnelReportsProjection } from './reports/personnel-reports.projection';

export const personnelProjections: AnyProjection[] = [memberDirectoryProjection, officerPostsProjection, personnelReportsProjection];

registerProjections('personnel', personnelProjections, { schemas: personnelSchemas });
