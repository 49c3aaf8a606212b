import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BundleEnd, BundleFrame, bundleFrame, BundleTrust, BundleVerdict, ChainRow, eventLineProblems, Frontier, judgeBundle, parseLine, Problem, rewrittenLine, trustedSizeOf } from './verifier-core';
import { RUN_EVENTS, VerificationRuns } from './verification-runs';

/** A bundle's lines, read again at each call: the bundle is read twice, never held. */
export type BundleLines = () => AsyncIterable<string>;

/** The lines of a bundle file, as a stream (a province's bundle is larger than one string can be). */
export function fileLines(file: string): BundleLines {
  return () => createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
}

/** Events between two looks at whether a run may close, as the log's pages are for LogIntegrity. */
const PAGE = 1000;

/**
 * verifyBundle's verdict on a bundle of any size, in bounded memory. The bundle's events come
 * before its checkpoints, and a run of verification needs the checkpoints that end in it, so the
 * bundle is read twice: once for what is not an event (the header, the prefix, the checkpoints and
 * proofs, which are few), then for the events, verified in runs (VerificationRuns) as a whole log
 * is on the server. Where an event reaches back into a closed run, the events are read a third
 * time, in one run, as verifyBundle reads them. verifier-core.ts alone (verifyBundle) holds the
 * whole bundle: it is the one file an auditor can read, for bundles that fit in memory.
 */
export async function verifyBundleInRuns(lines: BundleLines, trust: BundleTrust = {}, runEvents = RUN_EVENTS, progress?: (eventsVerified: number) => void): Promise<BundleVerdict> {
  const { items, rewritten } = await frameItems(lines);
  const frame = bundleFrame(items);
  const eventLines: Problem[] = [];
  let end = new BundleEnd();
  const verdict = (await eventsInRuns(lines, frame, trust, runEvents, eventLines, end, progress)) ?? (await eventsInRuns(lines, frame, trust, Infinity, (eventLines.length = 0, eventLines), (end = new BundleEnd()), progress));
  return judgeBundle(frame, verdict!, trust, [...rewritten, ...eventLines], end);
}

/** Every parsed line that is not an event, and those of them not as the register writes them. */
async function frameItems(lines: BundleLines): Promise<{ items: Record<string, unknown>[]; rewritten: Problem[] }> {
  const items: Record<string, unknown>[] = [];
  const rewritten: Problem[] = [];
  for await (const line of parsed(lines, false)) {
    items.push(line.item);
    rewritten.push(...line.rewritten);
  }
  return { items, rewritten };
}

async function eventsInRuns(lines: BundleLines, frame: BundleFrame, trust: BundleTrust, runEvents: number, eventLines: Problem[], end: BundleEnd, progress?: (eventsVerified: number) => void) {
  const key = frame.key(trust);
  const trusted = trustedSizeOf(trust);
  const start = frame.prefix && { frontier: Frontier.fromJSON(frame.prefix.frontier.toJSON()), prev: frame.prefix.firstPrev, version: frame.prefix.version, trusted: false };
  const runs = new VerificationRuns(notesOf(frame), { ...key, origin: frame.origin }, runEvents, start, trusted === undefined ? [] : [trusted]);
  let inPage = 0;
  for await (const { item, rewritten } of parsed(lines, true)) {
    if (inPage === PAGE) {
      await runs.pageComing();
      progress?.(end.events);
      inPage = 0;
    }
    eventLines.push(...rewritten, ...eventLineProblems(item));
    end.feed(item);
    runs.feed(item as unknown as ChainRow);
    inPage += 1;
  }
  const verdict = await runs.finish();
  return verdict && { ...verdict, ...runs.drawn };
}

/**
 * The checkpoints a run checks, as verifyBundle checks them all at once: those whose sizes end in
 * the run, the first run's also at its start (the prefix's root is known), and the last run's every
 * note no run was given (a size that cannot be read, or before the bundle's range): its signature
 * and origin are checked there, as verifyBundle checks every note.
 */
function notesOf(frame: BundleFrame) {
  const sizeOf = (note: string) => Number(note.split('\n')[1]);
  const given = new Set<string>();
  let first = true;
  return async (after: number, upTo: number) => {
    const from = first ? after - 1 : after;
    first = false;
    const last = upTo === Number.MAX_SAFE_INTEGER;
    const notes = frame.notes.filter((note) => {
      const size = sizeOf(note);
      return (Number.isFinite(size) && size > from && size <= upTo) || (last && !given.has(note));
    });
    notes.forEach((note) => given.add(note));
    return notes;
  };
}

/**
 * The bundle's lines parsed, events or the rest (`events`). An event's line is told by its start,
 * as the register writes it, and is parsed only on the pass that wants events; any other line is
 * parsed on both (they are few), and one that turns out to be an event goes with the events.
 */
async function* parsed(lines: BundleLines, events: boolean): AsyncIterable<{ item: Record<string, unknown>; rewritten: Problem[] }> {
  let number = 0;
  let first = true;
  for await (const line of lines()) {
    number += 1;
    if (line.trim() === '') continue;
    const header = first;
    first = false;
    if (!events && !header && line.startsWith('{"type":"event"')) continue;
    const item = parseLine(line, number);
    // The first line goes with the frame whatever it is: the frame refuses anything but the header.
    if ((header && !events) || (item.type === 'event') === events) yield { item, rewritten: rewrittenLine(line, number, item) };
  }
}
