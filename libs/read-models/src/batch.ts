import { applyWrite } from './apply';
import { merge, planned, PlannedWrite, toWriteOp } from './coalesce';
import { cloneValue, Doc } from './document';
import { Operation } from './projection';
import { Round, WriteOp } from './read-store';

interface DocPlan {
  collection: string;
  _id: string;
  /** Usually one write; more when an operation could not be merged into the previous one. */
  writes: PlannedWrite[];
}

export interface BatchLimits {
  maxEvents: number;
  maxDocuments: number;
}

/**
 * The events read since the checkpoint `from`, as writes planned per document: operations on the
 * same document are merged (coalesce.ts), so a batch costs one write per document it touches,
 * however many of its events touch it. Documents a handler reads are kept as views with the
 * batch's own writes applied (read-your-writes).
 */
export class Batch {
  events = 0;
  lastPos: number;
  private readonly plans = new Map<string, DocPlan>();
  private readonly views = new Map<string, Doc | undefined>();

  constructor(
    readonly from: number,
    private readonly limits: BatchLimits,
    private readonly physical: (collection: string) => string,
  ) {
    this.lastPos = from;
  }

  add(operation: Operation, pos: number): void {
    const key = `${operation.collection}\u0000${operation._id}`;
    const write = planned(operation, pos);
    if (this.views.has(key)) this.views.set(key, applyWrite(this.views.get(key), toWriteOp(operation._id, write)).doc);
    const plan = this.plans.get(key);
    if (!plan) {
      this.plans.set(key, { collection: operation.collection, _id: operation._id, writes: [write] });
      return;
    }
    const last = plan.writes.length - 1;
    const merged = merge(plan.writes[last], write);
    if (merged) plan.writes[last] = merged;
    else plan.writes.push(write);
  }

  /** The event at `pos` is done, whether or not it changed anything: the checkpoint moves past it. */
  advance(pos: number): void {
    this.lastPos = pos;
    this.events++;
  }

  get full(): boolean {
    return this.events >= this.limits.maxEvents || this.plans.size >= this.limits.maxDocuments;
  }

  /** The document as the store has it (`load`: as of `from`) with this batch's writes so far. */
  async view(collection: string, id: string, load: () => Promise<Doc | undefined>): Promise<Doc | undefined> {
    const key = `${collection}\u0000${id}`;
    if (!this.views.has(key)) {
      let doc = await load();
      for (const write of this.plans.get(key)?.writes ?? []) doc = applyWrite(doc, toWriteOp(id, write)).doc;
      this.views.set(key, doc);
    }
    return cloneValue(this.views.get(key));
  }

  /** The writes in rounds: a document's k-th write goes in round k, so a round has one write per document. */
  rounds(): Round[] {
    const rounds: Array<Map<string, WriteOp[]>> = [];
    for (const plan of this.plans.values()) {
      plan.writes.forEach((write, k) => {
        const round = (rounds[k] ??= new Map());
        const physical = this.physical(plan.collection);
        let ops = round.get(physical);
        if (!ops) round.set(physical, (ops = []));
        ops.push(toWriteOp(plan._id, write));
      });
    }
    return rounds.map((round) => [...round].map(([collection, ops]) => ({ collection, ops })));
  }
}
