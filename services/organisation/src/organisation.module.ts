import { Module } from '@nestjs/common';

/**
 * The union's structure: units (central, provincial, district, grassroots) and branches (chi đoàn) with their residential areas; establishments, moves, mergers, splits, dissolutions.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({})
export class OrganisationModule {}
