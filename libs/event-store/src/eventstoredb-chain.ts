import { EventToAppend } from '@register/event-sourcing';
import { chainHash, ChainVersion, fromHex, GENESIS_V2, toHex } from '@register/verifiable-log';

/**
 * The chain's fields an event carries in its metadata on EventStoreDB (no columns to hold them).
 * `version` as on SQL (verifier-core.ts, ChainVersion); absent, 1: the events chained before it.
 */
export interface ChainMetadata {
  seq: number;
  prevHash: string;
  hash: string;
  version?: ChainVersion;
}

export interface ChainHead {
  seq: number;
  hash: string;
  version?: ChainVersion;
}

/**
 * An empty log starts in version 2, from its genesis. A log chained in version 1 goes on in it: no
 * switch is written here (the adapter's log is not verified by the register; see docs/verifiable-log.md).
 */
export const EMPTY_CHAIN: ChainHead = { seq: -1, hash: toHex(GENESIS_V2), version: 2 };

/**
 * An event's entry on EventStoreDB: what the server keeps of it before it is written (its id,
 * stream, type, schema version, data and metadata without the chain). Its recording time and
 * position come from the server after the write, so they are not covered here as they are on SQL.
 */
export const eventStoreDbEntry = (streamId: string, e: EventToAppend) => JSON.stringify([e.eventId, streamId, e.type, e.schemaVersion, e.data, e.metadata]);

/** The events with their chain fields in metadata, chained from `head`; and the new head. */
export function chainEvents(head: ChainHead, streamId: string, events: EventToAppend[]): { events: Array<EventToAppend & { chain: ChainMetadata }>; head: ChainHead } {
  let { seq, hash } = head;
  const version = head.version ?? 1;
  const chained = events.map((e) => {
    const next = toHex(chainHash(version, fromHex(hash), eventStoreDbEntry(streamId, e)));
    const chain = { seq: seq + 1, prevHash: hash, hash: next, version };
    [seq, hash] = [chain.seq, next];
    return { ...e, chain };
  });
  return { events: chained, head: { seq, hash, version } };
}
