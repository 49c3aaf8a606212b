import { Provider } from '@nestjs/common';
import { KeyedTurns } from '@register/event-sourcing';
import type { ProcessLocks } from '@register/event-store';
import { EventStoreConnections } from './event-store.module';

/**
 * Turns by key for a check and its append: a command that reads what another command of the same key
 * may be writing (a member's posts, a mentor's assignments to a branch) runs once every turn queued
 * before it on any of its keys has ended, in this process, and, once its turn comes, takes the keys'
 * advisory locks (ProcessLocks) so that another instance's command of the same key does not come
 * between its check and its append. Without locks (PGlite, EventStoreDB: one process), turns alone.
 */
export class CommandTurns {
  private readonly turns = new KeyedTurns();

  /** `namespace` keeps one service's keys apart from another's in the database's locks. */
  constructor(
    private readonly namespace: string,
    private readonly locks?: ProcessLocks,
  ) {}

  /** Runs `work` once every turn queued before it on any of these keys has ended, here and in the other instances. */
  through<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.turns.run(keys, () => this.acrossProcesses(keys, work));
  }

  private async acrossProcesses<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    if (!this.locks) return work();
    const release = await this.locks.take(keys.map((key) => `${this.namespace}:${key}`));
    try {
      return await work();
    } finally {
      await release();
    }
  }
}

/** A service's turns as a provider, with the database's locks when the log is on PostgreSQL (absent on PGlite, one process, and EventStoreDB). */
export function commandTurnsProvider<T extends CommandTurns>(type: new (locks?: ProcessLocks) => T): Provider {
  return {
    provide: type,
    inject: [EventStoreConnections],
    useFactory: async (connections: EventStoreConnections) => new type((await connections.sqlClient())?.processLocks?.()),
  };
}
