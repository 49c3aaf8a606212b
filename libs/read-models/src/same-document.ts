import { applyWrite } from './apply';
import { planned, toWriteOp } from './coalesce';
import { cloneValue, Doc, POS } from './document';
import { Operation } from './projection';

/**
 * One event, one write per document. Every write of an event carries the event's position, and
 * the guard applies a write only to a document behind it (`_pos < pos`): a second write of the
 * same event to the same document would be refused as "already applied" wherever the guard is
 * checked (the memory store, MongoDB, a recovery on FerretDB) and applied where it is not (FerretDB
 * unguarded) — the stores would disagree. So when an event's operations touch a document more
 * than once (e.g. a merger of two branches of the same unit), they are folded here into one
 * replace (or delete) of the document as those operations leave it, read as of the event.
 * `read` gives the document with the batch's earlier writes (the handlers' reader).
 */
export function oneWritePerDocument(ops: readonly Operation[], pos: number, read: (collection: string, id: string) => Promise<Doc | undefined>): Operation[] | Promise<Operation[]> {
  if (ops.length < 2 || allDistinct(ops)) return ops as Operation[];
  const byDocument = new Map<string, Operation[]>();
  for (const o of ops) {
    const key = `${o.collection}\u0000${o._id}`;
    byDocument.set(key, [...(byDocument.get(key) ?? []), o]);
  }
  return Promise.all(
    [...byDocument.values()].map(async (same) => {
      if (same.length === 1) return same[0];
      const { collection, _id } = same[0];
      let doc = cloneValue(await read(collection, _id)); // changed below: what a reader gives is read-only
      for (const o of same) {
        if (doc) delete doc[POS]; // each operation applies after the previous one, not against the guard
        doc = applyWrite(doc, toWriteOp(_id, planned(o, pos))).doc;
      }
      if (!doc) return { collection, _id, delete: true } as const;
      const { _id: _ignored, [POS]: _pos, ...rest } = doc;
      return { collection, _id, replace: rest, upsert: true };
    }),
  );
}

/** The usual case, without building keys: a handler returns a handful of operations. */
function allDistinct(ops: readonly Operation[]): boolean {
  for (let i = 1; i < ops.length; i++) {
    for (let j = 0; j < i; j++) if (ops[i]._id === ops[j]._id && ops[i].collection === ops[j].collection) return false;
  }
  return true;
}
