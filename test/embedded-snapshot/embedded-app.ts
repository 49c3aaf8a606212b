/**
 * The embedded start as test/scale/embedded-register.ts opens it, with what the snapshot tests look at: the coordinator, and how many events the relays
 * published and the projection runners applied since this start.
 */
import { DiscoveryService } from '@nestjs/core';
import { ProjectionRunner, ReadModelQueries } from '@register/read-models';
import { EmbeddedSnapshots } from '@register/service-kit';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { openEmbedded, Register } from '../scale/embedded-register';

export interface SnapshottedRegister extends Register {
  snapshots: EmbeddedSnapshots;
  /** Events every projection runner (the services' and the gateway's reporting) applied since this start. */
  runnerEvents(): number;
  /** Resolves once every runner is live (caught up with its log) and every relay has published its log up to the head. */
  caughtUp(): Promise<void>;
}

export async function openSnapshotted(dataDir: string): Promise<SnapshottedRegister> {
  const { app, ...register } = await openEmbedded(dataDir, 'snapshot');
  const runners = (): ProjectionRunner[] => {
    const instances = app.get(DiscoveryService).getProviders().map((w) => w.instance as unknown);
    const services = instances.filter((i): i is ReadModelQueries => i instanceof ReadModelQueries).flatMap((q) => [...q['runners'].values()]);
    const reporting = instances.filter((i): i is ReportingReadModel => i instanceof ReportingReadModel).flatMap((r) => [...r['parts'].values()].map((p) => p.runner));
    return [...services, ...reporting];
  };
  const snapshots = app.get(EmbeddedSnapshots);
  return {
    ...register,
    snapshots,
    runnerEvents: () => runners().reduce((n, r) => n + r.events, 0),
    caughtUp: async () => {
      while (!runners().every((r) => r.status === 'live') || !(await relaysPublishedAll(snapshots))) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/**
 * Whether each relay has published its log up to the head: a runner can be live before the relay
 * has read the last events (the embedded database yields between statements), and a snapshot then
 * holds the relay's earlier position, so the next start publishes those events again.
 */
async function relaysPublishedAll(snapshots: EmbeddedSnapshots): Promise<boolean> {
  const logs = [...(snapshots['logs'] as Map<string, { store: { headPosition(): Promise<number> }; relay?: { publishedUpTo: number } }>).values()];
  for (const { store, relay } of logs) if (relay && relay.publishedUpTo < (await store.headPosition())) return false;
  return true;
}
