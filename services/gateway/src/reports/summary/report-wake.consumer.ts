import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { eventsTopic, KeepHandlerErrors } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { ReportingReadModel } from './reporting-read-model';

/**
 * The gateway's consumer group on the four services' topics (Kafka distributed, the in-process bus
 * embedded). An event published tells the reporting projection of its service to read that log
 * now; the projection reads the log itself, in position order, so nothing here needs to be
 * idempotent or ordered. The group commits its offsets like any stateless group: a restart reads
 * only what was published since (one that kept none read every topic again at each start, and
 * readiness waited for it, a wait growing with the logs: docs/scale.md).
 */
export const REPORT_WAKE: ConsumerGroupSpec = { group: 'gateway.reports' };

@Controller()
@UseFilters(KeepHandlerErrors)
export class ReportWakeConsumer {
  constructor(private readonly reporting: ReportingReadModel) {}

  @EventPattern(eventsTopic('organisation'))
  organisation(): void {
    this.reporting.wake('organisation');
  }

  @EventPattern(eventsTopic('personnel'))
  personnel(): void {
    this.reporting.wake('personnel');
  }

  @EventPattern(eventsTopic('training'))
  training(): void {
    this.reporting.wake('training');
  }

  @EventPattern(eventsTopic('evaluation'))
  evaluation(): void {
    this.reporting.wake('evaluation');
  }
}
