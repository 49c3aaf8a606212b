/**
 * The personnel service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service personnel`); PersonnelModule runs the same list.
 */
import { AnyProjection, registerLogReader, registerProjections } from '@register/read-models';
import { personnelSchemas } from './application/schemas';
import { memberDirectoryProjection } from './members/member-directory.projection';
import { officerPostsProjection } from './officers/officer-posts.projection';
import { personnelReportsProjection } from './reports/personnel-reports.projection';
import { ShreddingEventStore, SqlKeyReader } from '@register/personal-data';

export const personnelProjections: AnyProjection[] = [memberDirectoryProjection, officerPostsProjection, personnelReportsProjection];

registerProjections('personnel', personnelProjections, { schemas: personnelSchemas });

// The log as the projections see it: personal data opened with the member keys, read only (an
// erased member's key is gone, and so are their data in the rebuild, as in the live copy).
registerLogReader('personnel', (stored, sql) => new ShreddingEventStore(stored, new SqlKeyReader(sql, 'personnel')));
