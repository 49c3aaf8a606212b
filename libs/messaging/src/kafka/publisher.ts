import { CompressionTypes, Kafka, Partitioners, Producer, ProducerConfig } from 'kafkajs';
import { RecordedEvent } from '@register/event-sourcing';
import { toMessage } from '../codec';
import { EventPublisher } from '../ports';
import { TopicsOnce } from './admin';

/**
 * Idempotent producer settings: the broker drops a retried batch it already wrote, and one request
 * in flight keeps batches in order even across retries. acks = all on every send.
 */
export const IDEMPOTENT_PRODUCER: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  // murmur2 on the key, as the Java client: a stream lands on the same partition whoever publishes it.
  createPartitioner: Partitioners.DefaultPartitioner,
  // Bounded retries so a long outage surfaces to the caller (who retries the same batch) instead
  // of hanging a send forever; kafkajs warns that this weakens exactly-once, which we never claim.
  retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10 },
};

/**
 * EventPublisher on Kafka: one send per batch, key = stream id, the envelope as JSON, headers per
 * docs/messaging.md. Nothing is asked of the broker before the first publish (the connection, the
 * topic created if it is missing): a service starts and takes writes with the broker away, its
 * relay publishing once the broker is back.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  /** Production topics come from deploy/kafka: there this only finds them. */
  private readonly topics: TopicsOnce;

  constructor(kafka: Kafka, config: ProducerConfig = {}) {
    this.producer = kafka.producer({ ...IDEMPOTENT_PRODUCER, ...config });
    this.topics = new TopicsOnce(() => kafka);
  }

  async publish(topic: string, events: RecordedEvent[], origin?: string): Promise<void> {
    if (events.length === 0) return;
    this.connected ??= this.producer.connect().catch((error) => {
      this.connected = undefined; // try connecting again on the next publish
      throw error;
    });
    await this.connected;
    await this.topics.ensure({ topic });
    await this.producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: events.map((event) => toMessage(event, origin)) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
