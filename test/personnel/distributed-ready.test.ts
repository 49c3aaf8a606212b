import { INestApplication } from '@nestjs/common';
import { RecordedEvent } from '@register/event-sourcing';
import { createKafka, eventsTopic, KafkaEventPublisher } from '@register/messaging';
import { connectConsumers, createHttpApp, InternalCallersModule, rootModuleOf, startConsumers } from '@register/service-kit';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { distributedConfig } from '../support/distributed-config';
import { servers, uniqueName } from '../support/servers';

jest.setTimeout(180_000);

/**
 * Distributed, personnel learns the branches from organisation's topic, its replica in memory read
 * again at each start. Branches organisation published before personnel started must be known once
 * personnel answers ready: a caller that waits for ready and at once admits a member to one would
 * otherwise be refused "branch unknown". Personnel's own read models catch up at once on a new log,
 * long before its consumer group has joined and read the topic.
 */
describe('personnel distributed: ready once its group has read what the topic held at start (real servers)', () => {
  const run = uniqueName('ready');
  // Enough for the group to take a while after it joined: personnel's read models, on a new log, catch up at once.
  const branchIds = Array.from({ length: 500 }, (_, i) => `b-${run}-${i}`);
  let app: INestApplication | undefined;

  afterAll(async () => {
    await app?.close();
  });

  it('knows the branches published before its start as soon as it answers ready', async () => {
    process.env.REGISTER_INTERNAL_SECRET = 'personnel-ready-test-secret';
    const established = branchIds.map(
      (branchId, i): RecordedEvent => ({
        eventId: `${run}-established-${i}`,
        type: 'BranchEstablished',
        schemaVersion: 1,
        data: { branchId, parentUnitId: `u-${run}`, name: `Chi đoàn sẵn sàng ${i}`, area: null, predecessorIds: [] },
        metadata: { actor: 'test', reason: 'before personnel started', effectiveDate: '2024-01-01', correlationId: run },
        streamId: `organisation-branch-${branchId}`,
        revision: 0,
        position: i + 1,
        recordedAt: '2024-01-01T00:00:00.000Z',
      }),
    );
    const publisher = new KafkaEventPublisher(createKafka({ brokers: servers.kafkaBrokers, clientId: run, logLevel: 'nothing' }));
    await publisher.publish(eventsTopic('organisation'), established);
    await publisher.close();

    const config = await distributedConfig('personnel_ready');
    const started = await createHttpApp(rootModuleOf(config, [InternalCallersModule, PersonnelModule]), { title: 'personnel', logger: false });
    app = started;
    connectConsumers(started, config, { ...BRANCH_SYNC, group: `${BRANCH_SYNC.group}.${run}` });
    await startConsumers(started, config);
    await started.listen(0, '127.0.0.1');
    const url = (await started.getUrl()).replace('[::1]', '127.0.0.1');

    let ready = await fetch(`${url}/health/ready`);
    while (!ready.ok) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      ready = await fetch(`${url}/health/ready`);
    }
    const replica = started.get(BranchReplica);
    expect(branchIds.filter((branchId) => replica.statusOf(branchId) !== 'active')).toEqual([]);
    expect(Object.keys(((await ready.json()) as { dependencies: Record<string, string> }).dependencies)).toContain(`consumer:${BRANCH_SYNC.group}.${run}`);
  });
});
