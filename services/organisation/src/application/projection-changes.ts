import { Doc, Operation, ProjectionReader, Update } from '@register/read-models';

/**
 * The operations one event makes, gathered as one operation per document (increments on a common
 * ancestor of both ends of a move cancel out). One write per document and event keeps every write
 * mergeable and each document's `_pos` unique per event.
 */
export class Changes<C extends string> {
  private readonly docs = new Map<string, Operation<C>>();

  private update(collection: C, id: string): Update {
    const key = `${collection}\u0000${id}`;
    let op = this.docs.get(key);
    if (!op) this.docs.set(key, (op = { collection, _id: id, update: {} }));
    if (!('update' in op)) throw new Error(`${collection}/${id}: a replaced document is not updated by the same event`);
    return op.update;
  }

  /** A new document (an upsert of the whole document). */
  create(collection: C, id: string, doc: Doc): this {
    this.docs.set(`${collection}\u0000${id}`, { collection, _id: id, replace: doc });
    return this;
  }

  set(collection: C, id: string, fields: Record<string, unknown>): this {
    Object.assign((this.update(collection, id).$set ??= {}), fields);
    return this;
  }

  inc(collection: C, id: string, fields: Record<string, number>): this {
    const inc = (this.update(collection, id).$inc ??= {});
    for (const [path, n] of Object.entries(fields)) inc[path] = ((inc[path] as number | undefined) ?? 0) + n;
    return this;
  }

  addToSet(collection: C, id: string, path: string, value: unknown): this {
    (this.update(collection, id).$addToSet ??= {})[path] = value;
    return this;
  }

  pull(collection: C, id: string, path: string, value: unknown): this {
    (this.update(collection, id).$pull ??= {})[path] = value;
    return this;
  }

  /** The operations, in the order their documents were first touched; empty updates left out. */
  operations(): Operation<C>[] {
    const out: Operation<C>[] = [];
    for (const op of this.docs.values()) {
      if (!('update' in op)) {
        out.push(op);
        continue;
      }
      const update: Update = {};
      for (const [operator, fields] of Object.entries(op.update) as Array<[keyof Update, Record<string, unknown>]>) {
        const kept = operator === '$inc' ? Object.fromEntries(Object.entries(fields).filter(([, n]) => n !== 0)) : fields;
        if (Object.keys(kept).length) update[operator] = kept;
      }
      if (Object.keys(update).length) out.push({ ...op, update });
    }
    return out;
  }
}

/** What both structural projections keep of a unit, to place units and branches in the tree. */
export interface PlacedUnit {
  _id: string;
  /** The units above, from the top of the tree down to the parent. */
  ancestorIds: string[];
  childUnitIds: string[];
  branchIds: string[];
}

/** The ancestors of whatever is placed directly under `parentId`: the parent's ancestors and the parent. */
export async function ancestorsUnder<C extends string>(reader: ProjectionReader<C>, units: C, parentId: string | null): Promise<string[]> {
  if (!parentId) return [];
  const parent = (await reader.read(units, parentId)) as PlacedUnit | undefined;
  return [...(parent?.ancestorIds ?? []), parentId];
}

/**
 * A unit moves: it and every unit and branch below it get new ancestors. Walks the subtree through
 * the reader (each unit lists its child units and branches) and sets `ancestorIds` and `depth`.
 */
export async function reAncestor<C extends string>(
  reader: ProjectionReader<C>,
  changes: Changes<C>,
  names: { units: C; branches: C },
  moved: PlacedUnit,
  newAncestors: string[],
): Promise<void> {
  const cut = moved.ancestorIds.length;
  const queue: PlacedUnit[] = [moved];
  while (queue.length) {
    const unit = queue.shift()!;
    const ancestorIds = [...newAncestors, ...unit.ancestorIds.slice(cut)];
    changes.set(names.units, unit._id, { ancestorIds, depth: ancestorIds.length });
    const below = [...ancestorIds, unit._id];
    for (const branchId of unit.branchIds ?? []) changes.set(names.branches, branchId, { ancestorIds: below, depth: below.length });
    for (const childId of unit.childUnitIds ?? []) {
      const child = (await reader.read(names.units, childId)) as PlacedUnit | undefined;
      if (child) queue.push(child);
    }
  }
}
