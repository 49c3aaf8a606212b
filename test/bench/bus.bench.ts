/**
 * End-to-end latency and throughput of the bus, beside a bare kafkajs round trip on the same broker
 * in the same run.
 *
 * - bus: append to the PostgreSQL log (this process) -> relay (child process: LISTEN/NOTIFY wakeup,
 *   idempotent producer, acks=all) -> Kafka -> ReliableKafkaServer + @EventPattern handler (another
 *   child process) that has committed its effect and processed-id row in one PostgreSQL transaction.
 * - raw kafkajs: producer.send (this process, acks=all) -> a bare kafkajs consumer (child process).
 * Latency: one message in flight at a time, rounds of the two alternating; the clock starts before
 * the append / send and stops in the consumer (same machine clock). Throughput: 4 concurrent writers
 * (single-event appends / single-message sends) until the consumer has seen all.
 *
 * Run: npm run bench:bus (needs deploy/dev/kafka.sh up and deploy/dev/postgres.sh up).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Producer } from 'kafkajs';
import { Pool } from 'pg';
import { postgresClient, SqlEventStore } from '@register/event-store';
import { createKafka, ensureTopics, eventsTopic, pgTransactions } from '@register/messaging';
import { anEvent } from '../support/events';
import { openEffects } from '../messaging/fixtures/effects';
import { Fixture } from '../messaging/processes';
import { environment, percentile, printTable, round, writeResults } from './bench-util';

const PG_URL = process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ROUNDS = 10;
const PER_ROUND = Number(process.env.BENCH_BUS_PER_ROUND ?? 100);
const WARMUP = 50;
const THROUGHPUT_EVENTS = Number(process.env.BENCH_BUS_EVENTS ?? 5000);
const MAX_WAIT_MS = 100;

const now = () => performance.timeOrigin + performance.now();

/** Collects the consumer's reports and lets the sender wait for one id. */
class Arrivals {
  readonly latencies: number[] = [];
  private waiting = new Map<string, () => void>();
  count = 0;
  constructor(fixture: Fixture) {
    fixture.child!.on('message', (m: { applied?: string; latencyMs?: number }) => {
      if (!m.applied) return;
      this.count++;
      this.latencies.push(m.latencyMs!);
      this.waiting.get(m.applied)?.();
      this.waiting.delete(m.applied);
    });
  }
  expect(id: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }
  async untilCount(n: number) {
    while (this.count < n) await new Promise((r) => setTimeout(r, 2));
  }
  take(): number[] {
    return this.latencies.splice(0);
  }
}

interface Contender {
  name: string;
  /** Sends one message that the consumer reports under `id`. */
  send(id: string): Promise<void>;
  arrivals: Arrivals;
}

async function main() {
  const schema = `bench_bus_${Date.now().toString(36)}`;
  const pool = new Pool({ connectionString: PG_URL, max: 8 });
  const store = await SqlEventStore.open(postgresClient({ connectionString: PG_URL, max: 8 }), schema);
  await openEffects(pgTransactions(pool), schema);
  const kafka = createKafka({ brokers: BROKERS, clientId: 'bus-bench', logLevel: 'error' });
  const busTopic = eventsTopic(schema.replace(/_/g, '-'));
  const rawTopic = `${busTopic}.raw`;
  await ensureTopics(kafka, [{ topic: busTopic }, { topic: rawTopic }]);

  const relay = await new Fixture('test/messaging/fixtures/relay.js', { brokers: BROKERS, topic: busTopic, pgUrl: PG_URL, schema }).start();
  const consumer = await new Fixture('test/messaging/fixtures/consumer.js', {
    brokers: BROKERS, topic: busTopic, group: `${schema}.handler`, pgUrl: PG_URL, schema, reportLatency: true, maxWaitTimeInMs: MAX_WAIT_MS,
  }).start();
  const raw = await new Fixture('test/messaging/fixtures/raw-consumer.js', { brokers: BROKERS, topic: rawTopic, group: `${schema}.raw`, maxWaitTimeInMs: MAX_WAIT_MS }).start();
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  const bus: Contender = {
    name: 'bus: append -> relay -> Kafka -> Nest handler (effect committed)',
    arrivals: new Arrivals(consumer),
    async send(id) {
      await store.append(`bench-${Math.floor(Math.random() * 200)}`, [{ ...anEvent('Appended', { sentAt: now() }), eventId: id }], 'any');
    },
  };
  const rawKafka: Contender = {
    name: 'raw kafkajs: send (acks=all) -> eachMessage',
    arrivals: new Arrivals(raw),
    async send(id) {
      await producer.send({ topic: rawTopic, acks: -1, messages: [{ key: id, value: JSON.stringify({ id }), headers: { 'sent-at': String(now()) } }] });
    },
  };

  // Latency: one in flight; the arrival is awaited from before the send, so a fast one is not missed.
  const oneAtATime = async (c: Contender, n: number) => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const arrived = c.arrivals.expect(id);
      await c.send(id);
      await arrived;
    }
  };
  for (const c of [bus, rawKafka]) {
    await oneAtATime(c, WARMUP);
    c.arrivals.take();
  }
  const latency = new Map<Contender, number[]>([[bus, []], [rawKafka, []]]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of r % 2 ? [rawKafka, bus] : [bus, rawKafka]) {
      await oneAtATime(c, PER_ROUND);
      latency.get(c)!.push(...c.arrivals.take());
    }
  }

  // Throughput: 4 writers as fast as they can, until the consumer has seen everything.
  const throughput = new Map<Contender, { perSec: number; sentPerSec: number; latencies: number[] }>();
  for (const c of [bus, rawKafka]) {
    const start = performance.now();
    const target = c.arrivals.count + THROUGHPUT_EVENTS;
    await Promise.all(Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < THROUGHPUT_EVENTS; i += 4) await c.send(randomUUID());
    }));
    const sentPerSec = THROUGHPUT_EVENTS / ((performance.now() - start) / 1000);
    await c.arrivals.untilCount(target);
    throughput.set(c, { perSec: THROUGHPUT_EVENTS / ((performance.now() - start) / 1000), sentPerSec, latencies: c.arrivals.take() });
  }

  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { n: sorted.length, p50: round(percentile(sorted, 50), 2), p95: round(percentile(sorted, 95), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted[sorted.length - 1] ?? 0, 2) };
  };
  const results = [bus, rawKafka].map((c) => ({ name: c.name, latencyMs: stats(latency.get(c)!), throughput: { eventsPerSec: round(throughput.get(c)!.perSec, 0), sentPerSec: round(throughput.get(c)!.sentPerSec, 0), underLoadLatencyMs: stats(throughput.get(c)!.latencies) } }));
  const [b, k] = results;
  const ratio = (x: number, y: number) => round(x / y, 2);
  const ratios = { p50: ratio(b.latencyMs.p50, k.latencyMs.p50), p95: ratio(b.latencyMs.p95, k.latencyMs.p95), p99: ratio(b.latencyMs.p99, k.latencyMs.p99), throughput: ratio(b.throughput.eventsPerSec, k.throughput.eventsPerSec) };
  const targets = { p99Ms: 50, p99VsRaw: 2 };

  printTable(
    ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'sent/s', 'applied/s (end to end)', 'p99 ms under load'],
    results.map((r) => [r.name, r.latencyMs.n, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.latencyMs.max, r.throughput.sentPerSec, r.throughput.eventsPerSec, r.throughput.underLoadLatencyMs.p99]),
    `Bus end to end vs raw kafkajs (same broker, same run; ${ROUNDS} alternating rounds of ${PER_ROUND}, one in flight)`,
  );
  printTable(['ratio bus / raw', 'p50', 'p95', 'p99', 'throughput'], [['', ratios.p50, ratios.p95, ratios.p99, ratios.throughput]]);
  console.log(`targets: p99 <= ${targets.p99Ms} ms: ${b.latencyMs.p99 <= targets.p99Ms ? 'met' : 'MISSED'}; p99 <= ${targets.p99VsRaw}x raw: ${ratios.p99 <= targets.p99VsRaw ? 'met' : 'MISSED'}`);
  const file = writeResults('bus', { environment: environment(), settings: { rounds: ROUNDS, perRound: PER_ROUND, throughputEvents: THROUGHPUT_EVENTS, maxWaitTimeInMs: MAX_WAIT_MS, partitions: 6 }, results, ratios, targets });
  console.log(`\nwritten: ${file}`);

  await producer.disconnect();
  await Promise.all([relay.stop(), consumer.stop(), raw.stop()]);
  await store.close();
  await pool.query(`drop schema if exists ${schema} cascade`);
  await pool.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [busTopic, rawTopic] }).catch(() => undefined);
  await admin.disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
