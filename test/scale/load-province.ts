/**
 * Sends a province plan through a register's command paths, a group at a time (the commands of a
 * group concurrently), with a progress bar, and records after each group how far it got in a
 * checkpoint file: a run that stops (Ctrl-C, a crash) continues where it left off, and a command
 * it sends twice is answered from its Idempotency-Key the second time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import { timeLeft } from '@register/read-models';
import { Command, PlanOptions, provincePlan } from './province-plan';
import { Answer, Register } from './embedded-register';
import { inParallel } from '../support/in-parallel';

export interface LoadOptions extends PlanOptions {
  checkpointFile: string;
  /** Stop at the first group boundary at or after this fraction of the plan's commands (1 = all). */
  until?: number;
  concurrency?: number;
  progress?: boolean;
}

export interface LoadResult {
  commands: number;
  refused: number;
  /** Refusals by path shape and status, to read at a glance whether the plan or the register is wrong. */
  refusals: Record<string, number>;
  seconds: number;
  eventsBefore: number;
  eventsAfter: number;
  done: number;
  total: number;
}

interface Checkpoint {
  seed: number;
  factor: number;
  batch?: number;
  done: number;
}

/** How many commands the whole plan holds (the plan is cheap to walk). */
export function planSize(options: PlanOptions): number {
  let n = 0;
  for (const group of provincePlan(options)) n += group.length + group.filter((c) => c.then).length;
  return n;
}

export function readCheckpoint(file: string, options: PlanOptions): number {
  if (!existsSync(file)) return 0;
  const c = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  if (c.seed !== options.seed || c.factor !== options.factor || c.batch !== options.batch) {
    throw new Error(`${file} belongs to seed ${c.seed}, factor ${c.factor}, batches of ${c.batch ?? 'none'}`);
  }
  return c.done;
}

export async function loadProvince(register: Register, options: LoadOptions): Promise<LoadResult> {
  const total = planSize(options);
  const stopAt = Math.ceil(total * (options.until ?? 1));
  let done = readCheckpoint(options.checkpointFile, options);
  const result: LoadResult = { commands: 0, refused: 0, refusals: {}, seconds: 0, eventsBefore: await register.events(), eventsAfter: 0, done, total };
  const headers = { first: { authorization: await register.bearer('scale-admin') }, second: { authorization: await register.bearer('scale-approver') } };
  const bar = options.progress === false ? undefined : new SingleBar({ noTTYOutput: true, notTTYSchedule: 10_000, format: 'province {bar} {percentage}% | {value}/{total} commands | {rate}/s | refused {refused} | {left} left' });
  bar?.start(total, done, { rate: 0, refused: 0, left: '…' });
  const t0 = performance.now();
  const resumedAt = done;
  // Time left to where this run stops (--until), at this run's own rate.
  const progress = (value: number) => {
    const seconds = (performance.now() - t0) / 1000;
    return { rate: Math.round(result.commands / seconds), refused: result.refused, left: timeLeft(value - resumedAt, stopAt - resumedAt, seconds) };
  };
  let position = 0;
  for (const group of provincePlan(options)) {
    const size = group.length + group.filter((c) => c.then).length;
    if (position >= stopAt) break;
    const start = position;
    position += size;
    if (position <= done) continue;
    let sent = 0;
    await inParallel(group, options.concurrency ?? 8, async (c) => {
      for (const followUp of await sendOne(register, c, headers, options.seed, result)) await sendOne(register, followUp, headers, options.seed, result);
      if (++sent % 50 === 0) bar?.update(start + sent, progress(start + sent));
    });
    done = position;
    writeFileSync(options.checkpointFile, JSON.stringify({ seed: options.seed, factor: options.factor, batch: options.batch, done } satisfies Checkpoint));
    bar?.update(done, progress(done));
  }
  bar?.stop();
  // The reactions to the last commands (members moved by a merger...) are part of the load.
  await register.settled();
  result.seconds = (performance.now() - t0) / 1000;
  result.eventsAfter = await register.events();
  result.done = done;
  return result;
}

type Headers = Record<'first' | 'second', Record<string, string>>;

/** Sends one command (retrying while a replica has not yet heard of what it names); answers its follow-up, if any. */
async function sendOne(register: Register, c: Command, headers: Headers, seed: number, result: LoadResult): Promise<Command[]> {
  const key = { 'idempotency-key': `scale-${seed}-${c.step}` };
  let answer: Answer = await register.send(c.method, c.path, c.body, { ...headers[c.actor ?? 'first'], ...key });
  for (let attempt = 1; attempt <= 10 && lagging(answer); attempt++) {
    await new Promise((r) => setTimeout(r, 20 * attempt));
    answer = await register.send(c.method, c.path, c.body, { ...headers[c.actor ?? 'first'], ...key });
  }
  result.commands++;
  if (answer.status >= 300) {
    refuse(result, `${answer.status} ${c.path.replace(/\/[a-z]+-[0-9][^/]*/g, '/:id')} ${String((answer.body as { rule?: string } | undefined)?.rule ?? '')}`, answer.raw);
    return [];
  }
  for (const item of refusedItems(answer)) refuse(result, `${item.status} ${c.path} ${item.rule ?? ''}`, JSON.stringify(item));
  return c.then ? [{ ...c.then(answer.body ?? {}), step: c.step + 0.5 }] : [];
}

/** A refusal counted by its shape (status, path, rule), to read at a glance whether the plan or the register is wrong. */
function refuse(result: LoadResult, shape: string, raw: string) {
  result.refused++;
  result.refusals[shape] = (result.refusals[shape] ?? 0) + 1;
  if (result.refusals[shape] === 1 && process.env.SCALE_VERBOSE) console.error(`\n${shape}: ${raw.slice(0, 300)}`);
}

type ItemAnswer = { status: number; rule?: string; detail?: string };
/** The refused items of a batch's answer (POST /admission-batches, /rating-batches); none for a single command's. */
function refusedItems(answer: Answer): ItemAnswer[] {
  const items = (answer.body as { items?: ItemAnswer[] } | undefined)?.items;
  return answer.status === 200 && Array.isArray(items) ? items.filter((i) => i.status >= 300) : [];
}

const LAGGING = /not-found|unknown|did-not-exist|not-an-active-member|does not exist/;

/**
 * A refusal that a moment may cure: a replica that has not yet seen the unit, branch or member (the
 * bus is asynchronous). A batch with such an item is sent again: under its Idempotency-Key, the
 * items it recorded are answered as before and only the others are decided again.
 */
function lagging(answer: Answer): boolean {
  if (answer.status === 503) return true;
  if (refusedItems(answer).some((i) => LAGGING.test(`${i.rule ?? ''} ${i.detail ?? ''}`))) return true;
  const rule = String((answer.body as { rule?: string } | undefined)?.rule ?? '');
  return (answer.status === 404 || answer.status === 422) && LAGGING.test(rule + answer.raw);
}
