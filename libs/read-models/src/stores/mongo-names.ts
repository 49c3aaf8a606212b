import { mongo } from 'mongoose';

/** Where a database records how its collections are named. */
export const NAMES_LAYOUT = '_layout';
const LAYOUT_ID = 'collection-names';
/** The separator a database created from now on uses between a projection (or copy) and its collection. */
const SEPARATOR = ':';

/**
 * Physical collection names in a MongoDB or FerretDB database. A logical name is
 * `<projection>.<collection>` (naming.ts); a new database stores it as `<projection>:<collection>`,
 * because FerretDB v1 splits a namespace at every dot and so cannot rename a dotted collection: a
 * rebuild's switch-in would have to copy every document instead of renaming. A database that
 * already holds dotted collections (created before this layout) keeps its names, so that nothing
 * it holds goes missing; the layout is recorded in `_layout`, once, by the first store to open it.
 */
export class CollectionNames {
  private constructor(readonly separator: string) {}

  static async of(db: mongo.Db): Promise<CollectionNames> {
    const layouts = db.collection<{ _id: string; separator: string }>(NAMES_LAYOUT);
    const recorded = await layouts.findOne({ _id: LAYOUT_ID });
    if (recorded) return new CollectionNames(recorded.separator);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const separator = names.some((n) => n.includes('.') && !n.startsWith('system.')) ? '.' : SEPARATOR;
    // two stores opening one new database at once both write the same separator; the first one stays
    await layouts.updateOne({ _id: LAYOUT_ID }, { $setOnInsert: { separator } }, { upsert: true }).catch(ignoreDuplicate);
    return new CollectionNames((await layouts.findOne({ _id: LAYOUT_ID }))?.separator ?? separator);
  }

  physical(logical: string): string {
    if (this.separator === '.') return logical;
    if (logical.includes(SEPARATOR)) throw new Error(`collection name ${logical} holds "${SEPARATOR}", which the store's layout keeps for itself`);
    return logical.replaceAll('.', SEPARATOR);
  }

  /** The logical name of a physical one; undefined for a collection that is not the register's (`_layout` itself). */
  logical(physical: string): string | undefined {
    if (physical === NAMES_LAYOUT) return undefined;
    return this.separator === '.' ? physical : physical.replaceAll(SEPARATOR, '.');
  }
}

function ignoreDuplicate(error: unknown): void {
  if ((error as { code?: number }).code !== 11000) throw error;
}
