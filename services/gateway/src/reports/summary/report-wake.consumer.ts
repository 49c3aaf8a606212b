import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { eventsTopic, KeepHandlerErrors } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { ReportingReadModel } from './reporting-read-model';

/**
 * The gateway's consumer group on the four services' topics (Kafka distributed, the in-process bus
 * embedded). An event published tells the reporting projection of its service to read that log
 * now; the projection reads the log itself, in position order, so nothing here needs to be
 * idempotent or ordered, and the group keeps no offsets.
 */
export const REPORT_WAKE: ConsumerGroupSpec = { group: 'gateway.reports', inMemory: true };

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
