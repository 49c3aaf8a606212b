/**
 * Dead letters from the command line:
 *   node -r ./scripts/paths.js dist/libs/messaging/src/cli/dead-letters.js list <dlq-topic> [--pending]
 *   node -r ./scripts/paths.js dist/libs/messaging/src/cli/dead-letters.js replay <dlq-topic> [--event-id <id>]
 * Brokers from KAFKA_BROKERS (default 127.0.0.1:9092). Prints JSON lines.
 */
import { createKafka } from '../kafka/client';
import { KafkaDeadLetters } from '../kafka/dead-letters';
import { EventHeaders } from '../topics';

async function main(argv: string[]): Promise<number> {
  const [command, topic, ...rest] = argv;
  if (!topic || (command !== 'list' && command !== 'replay')) {
    console.error('usage: dead-letters list <dlq-topic> [--pending] | replay <dlq-topic> [--event-id <id>]');
    return 2;
  }
  const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'dead-letters-cli', logLevel: process.env.REGISTER_KAFKA_LOG ?? 'error' });
  const letters = new KafkaDeadLetters(kafka);
  if (command === 'list') {
    for (const l of await letters.list(topic, { pendingOnly: rest.includes('--pending') })) {
      const { value: _value, ...shown } = l;
      console.log(JSON.stringify(shown));
    }
    return 0;
  }
  const eventId = rest[rest.indexOf('--event-id') + 1];
  const only = rest.includes('--event-id') ? (l: { headers: Record<string, string> }) => l.headers[EventHeaders.eventId] === eventId : undefined;
  console.log(JSON.stringify({ replayed: await letters.replay(topic, only) }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
