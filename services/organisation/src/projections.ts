/**
 * The organisation service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service organisation`); OrganisationModule runs the same list.
 */
import { AnyProjection, registerProjections } from '@register/read-models';
import { organisationSchemas } from './application/schemas';
import { branchDirectoryProjection } from './directory/branch-directory.projection';
import { unitTreeProjection } from './tree/unit-tree.projection';

export const organisationProjections: AnyProjection[] = [branchDirectoryProjection, unitTreeProjection];

registerProjections('organisation', organisationProjections, { schemas: organisationSchemas });
