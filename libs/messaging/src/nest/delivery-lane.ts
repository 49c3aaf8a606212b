import { KafkaContext } from '@nestjs/microservices';
import { InProcessContext } from '../in-process/server';
import { EventHeaders } from '../topics';

/**
 * The lane an event came on (AppliedWatermarks): the log that wrote it, by the relay's
 * `log-origin` header (empty for a message sent before the header existed), and the partition (the
 * in-process bus has one, in log order).
 */
export function deliveryLane(context: unknown): string {
  if (context instanceof KafkaContext) {
    const origin = context.getMessage().headers?.[EventHeaders.logOrigin];
    const text = Array.isArray(origin) ? origin[0] : origin;
    return `${text === undefined ? '' : String(text)}:${context.getPartition()}`;
  }
  if (context instanceof InProcessContext) return `${context.getMessage().headers[EventHeaders.logOrigin] ?? ''}:0`;
  return ':0';
}
