import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { EventMessage } from '../codec';
import { DEFAULT_DELIVERY_POLICY, DeliveryPolicy, deliver, describeError } from '../delivery';
import { InProcessBus } from './bus';

/** What a handler gets as its @Ctx() in the embedded start: the same topic, key and string headers as from Kafka. */
export class InProcessContext extends BaseRpcContext<[topic: string, message: EventMessage]> {
  getTopic(): string {
    return this.args[0];
  }
  getMessage(): EventMessage {
    return this.args[1];
  }
}

export interface InProcessServerOptions {
  group: string;
  delivery?: Partial<DeliveryPolicy>;
}

/**
 * A Nest transport over the InProcessBus: the same @EventPattern(topic) handlers that serve Kafka
 * run here without a broker, with the same retry-then-dead-letter policy as ReliableKafkaServer.
 */
export class InProcessServer extends Server implements CustomTransportStrategy {
  private readonly policy: DeliveryPolicy;
  private unsubscribers: Array<() => void> = [];
  /**
   * Each topic's handler, found once: Nest's look-up first tries the pattern as JSON, and a topic
   * name is not JSON, so every look-up built and threw a SyntaxError (5% of the embedded start's
   * CPU under a batch of ratings). The handlers are all registered before listen().
   */
  private readonly handlers = new Map<string, ReturnType<Server['getHandlerByPattern']>>();

  constructor(
    private readonly bus: InProcessBus,
    private readonly options: InProcessServerOptions,
  ) {
    super();
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.delivery };
  }

  listen(callback: () => void): void {
    for (const topic of this.messageHandlers.keys()) {
      this.unsubscribers.push(this.bus.subscribe(topic, this.options.group, (message) => this.consume(topic, message)));
    }
    callback();
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  on(): never {
    throw new Error('InProcessServer has no events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async consume(topic: string, message: EventMessage): Promise<void> {
    await deliver(() => this.invoke(topic, message), this.policy, {
      deadLetter: async ({ error, attempts }) => {
        this.bus.deadLetters.push({ topic, group: this.options.group, message, error: describeError(error), attempts, failedAt: new Date().toISOString() });
        this.logger.warn(`dead-lettered ${message.headers['event-id']} of ${topic} for ${this.options.group}: ${describeError(error)}`);
      },
    });
  }

  private async invoke(topic: string, message: EventMessage): Promise<void> {
    if (!this.handlers.has(topic)) this.handlers.set(topic, this.getHandlerByPattern(topic));
    const handler = this.handlers.get(topic);
    if (!handler) return;
    const result = await handler(JSON.parse(message.value), new InProcessContext([topic, message]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
