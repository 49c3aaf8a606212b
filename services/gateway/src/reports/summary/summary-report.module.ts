import { Module } from '@nestjs/common';
import { ReadStoresModule } from '@register/read-models';
import { ReportWakeConsumer } from './report-wake.consumer';
import { ReportingReadModel } from './reporting-read-model';
import { SummaryController } from './summary.controller';
import { SummaryReadModel } from './summary.read-model';

/** The unit summary report and the reporting read model it reads (four projections, one per service's log). */
@Module({
  imports: [ReadStoresModule],
  controllers: [SummaryController, ReportWakeConsumer],
  providers: [ReportingReadModel, SummaryReadModel],
  exports: [ReportingReadModel],
})
export class SummaryReportModule {}
