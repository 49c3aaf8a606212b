import { cloneValue, Doc, POS } from './document';
import { Operation } from './projection';
import { WriteOp } from './read-store';
import { applyUpdate } from './updater';

/**
 * What one write does to a document, with the guard: the write applies only if the document is
 * behind it (`_pos < pos`). Returns the new document (undefined: absent or deleted) and whether
 * the write applied. `doc` is changed in place. Used by the memory store and by batch views,
 * so both follow MongoDB's semantics the same way.
 */
export function applyWrite(doc: Doc | undefined, op: WriteOp): { doc: Doc | undefined; applied: boolean } {
  if (doc && typeof doc[POS] === 'number' && doc[POS] >= op.pos) return { doc, applied: false };
  if ('delete' in op) return { doc: undefined, applied: doc !== undefined };
  if (!doc && !op.upsert) return { doc: undefined, applied: false };
  if ('replace' in op) return { doc: { _id: op._id, ...cloneValue(op.replace), [POS]: op.pos }, applied: true };
  const target = doc ?? { _id: op._id };
  applyUpdate(target, op.update, doc === undefined);
  target[POS] = op.pos;
  return { doc: target, applied: true };
}

/** An operation as the write it is on its own (the defaults of coalesce's `planned`): for views and folds. */
export function writeOf(operation: Operation, pos: number): WriteOp {
  if ('delete' in operation) return { _id: operation._id, pos, delete: true };
  if ('replace' in operation) return { _id: operation._id, pos, replace: operation.replace, upsert: operation.upsert ?? true };
  return { _id: operation._id, pos, update: operation.update, upsert: operation.upsert ?? false };
}
