import { Logger, NotFoundException } from '@nestjs/common';
import { ImportRecords, withoutNames } from './import-records';
import type { MemberImport } from './member-import';

/** How often a running import says it is alive, beside the log … */
const HEARTBEAT_MS = 30_000;
/** … and after how long without it, another process (or this one after a restart) takes it for interrupted. */
const STALE_MS = 4 * HEARTBEAT_MS;

/**
 * Why an import whose process stopped did not finish, and how to go on. Stopped without a last save
 * (`lastSaved`: killed, a crash), the counts are those of the save before, and rows admitted since
 * are not in them: a probe found 500 rows said done of the 989 admitted.
 */
export const interrupted = (job: MemberImport, lastSaved = false) =>
  `interrupted: the personnel service stopped while the import ran (${job.processed} of ${job.total} rows done${lastSaved ? ', as last saved: more rows may have been admitted since, not counted here' : ''}); import the same file into the same unit again to go on: the rows admitted answer already-admitted`;

/**
 * The imports' progress as kept beside the log (ImportRecords), without the rows' names: saved when
 * an import starts, as it goes (after each batch, and every HEARTBEAT_MS, which is also its sign of
 * life) and when it ends; each import's saves one after the other, so that none overtakes a later one.
 * A save that fails is logged and the import goes on.
 */
export class ImportProgress {
  private readonly saving = new Map<string, Promise<void>>();
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly records: ImportRecords,
    private readonly logger: Logger,
  ) {}

  started(job: MemberImport): void {
    this.save(job);
    this.heartbeats.set(job.id, setInterval(() => this.save(job), HEARTBEAT_MS).unref());
  }

  /** Keeps the import as it stands now. */
  save(job: MemberImport): void {
    const copy = withoutNames(job);
    const after = (this.saving.get(job.id) ?? Promise.resolve()).then(() =>
      this.records.save(copy).catch((error: Error) => this.logger.warn(`member import ${job.id}: its progress was not kept (${error.message})`)),
    );
    this.saving.set(job.id, after);
    void after.then(() => this.saving.get(job.id) === after && this.saving.delete(job.id));
  }

  ended(job: MemberImport): void {
    clearInterval(this.heartbeats.get(job.id));
    this.heartbeats.delete(job.id);
    this.save(job);
  }

  /** Once every save asked for is done. */
  async settled(): Promise<void> {
    await Promise.all(this.saving.values());
  }

  /** An import as kept; one whose process gave no sign of life for STALE_MS is answered failed, interrupted. */
  async kept(id: string): Promise<MemberImport> {
    const found = await this.records.load(id);
    if (!found) throw new NotFoundException(`no member import ${id}`);
    const { job, heartbeatAt } = found;
    const stale = job.status === 'running' && Date.now() - heartbeatAt.getTime() > STALE_MS;
    return stale ? { ...job, status: 'failed', failure: interrupted(job, true), finishedAt: heartbeatAt.toISOString() } : job;
  }
}
