import { Module } from '@nestjs/common';
import { ReadStoresModule } from '@register/read-models';
import { ReportWakeConsumer } from './report-wake.consumer';
import { ReportingReadModel } from './reporting-read-model';
import { SummaryController } from './summary.controller';
import { SummaryRollupRefresher } from './summary-rollup.refresher';
import { SummaryReadModel } from './summary.read-model';

/** The unit summary report, the reporting read model it reads (four projections, one per service's log) and its stored year-end summaries. */
@Module({
  imports: [ReadStoresModule],
  controllers: [SummaryController, ReportWakeConsumer],
  providers: [ReportingReadModel, SummaryReadModel, SummaryRollupRefresher],
  exports: [ReportingReadModel, SummaryRollupRefresher],
})
export class SummaryReportModule {}
