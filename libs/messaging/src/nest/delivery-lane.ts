import { KafkaContext } from '@nestjs/microservices';
import { InProcessContext } from '../in-process/server';
import { EventHeaders } from '../topics';

/**
 * The lane an event came on (AppliedWatermarks): the log that wrote it, by the relay's
 * `log-origin` header, and the partition (the in-process bus has one, in log order). Undefined
 * without the header (a message sent before it existed, or by hand): its position may be any log's.
 */
export function deliveryLane(context: unknown): string | undefined {
  if (context instanceof KafkaContext) {
    const raw = context.getMessage().headers?.[EventHeaders.logOrigin];
    const origin = Array.isArray(raw) ? raw[0] : raw;
    return origin === undefined || origin === null ? undefined : `${String(origin)}:${context.getPartition()}`;
  }
  if (context instanceof InProcessContext) {
    const origin = context.getMessage().headers[EventHeaders.logOrigin];
    return origin === undefined ? undefined : `${origin}:0`;
  }
  return undefined;
}
