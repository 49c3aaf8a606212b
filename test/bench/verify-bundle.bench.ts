/**
 * The offline verifier on a province's export: `npm run verify -- BUNDLE` as an auditor runs it,
 * on a bundle file of BENCH_BUNDLE_EVENTS events (1,500,000: a province's five years) written as
 * GET /audit/exports writes one (header, events in chain version 2, signed checkpoints, the
 * consistency proofs between them). Checkpoints every BENCH_BUNDLE_EVERY events (100,000: each
 * proof is drawn here from every leaf; the register signs every 1,000, which adds a signature
 * check per 1,000 events, about 60 µs). Printed beside it, in the same run: the file read as the
 * same stream of lines with each line's SHA-256 (the least a line-by-line check does), and the
 * verifier that holds the bundle whole (verifier-core.ts alone), which a string's limit stops.
 * Each runs as a process of its own: its time and peak memory (GNU time's maximum resident set).
 *
 * Run: npm run bench:verify-bundle
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import { once } from 'node:events';
import { chainHash, consistencyPath, Frontier, genesisOf, Hash, sealBody, signCheckpoint, signNote, toHex, verifierKey } from '@register/verifiable-log';
import { environment, printTable, round, writeResults } from './bench-util';

const EVENTS = Number(process.env.BENCH_BUNDLE_EVENTS ?? 1_500_000);
const EVERY = Number(process.env.BENCH_BUNDLE_EVERY ?? 100_000);
const ORIGIN = 'union-register/personnel';
const keys = crypto.generateKeyPairSync('ed25519');
const KEY = verifierKey('union-register', keys.publicKey);
const ROOT = join(__dirname, '..', '..', '..');

/** Writes the bundle; its leaves are kept (32 bytes each) to draw the consistency proofs. */
async function writeBundle(file: string): Promise<number> {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write(JSON.stringify({ type: 'log', service: 'personnel', origin: ORIGIN, keyName: 'union-register', publicKey: KEY, complete: true, size: EVENTS }));
  const leaves: Hash[] = [];
  const frontier = Frontier.empty();
  const notes: string[] = [];
  let prev = genesisOf(2);
  for (let seq = 0; seq < EVENTS; seq += 1) {
    const data = { memberId: `m-${seq}`, branchId: `b-${seq % 3000}`, personal: { sealed: crypto.randomBytes(90).toString('base64') }, admittedOn: '2024-03-26' };
    const metadata = { actor: 'u-officer-17', reason: { sealed: 'x'.repeat(40) }, effectiveDate: '2024-03-26', correlationId: `c-${seq}` };
    const entry = JSON.stringify([crypto.randomUUID(), `member-m-${seq}`, 0, 'MemberAdmitted', 1, data, metadata, '2024-03-26T08:00:00.000Z']);
    const hash = chainHash(2, prev, entry);
    await write(JSON.stringify({ type: 'event', position: seq + 1, seq, prevHash: toHex(prev), hash: toHex(hash), entry, version: 2 }));
    leaves.push(hash);
    frontier.appendBinary(hash.toString('latin1'));
    prev = hash;
    if ((seq + 1) % EVERY === 0 || seq === EVENTS - 1) notes.push(signCheckpoint({ origin: ORIGIN, size: seq + 1, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey));
  }
  for (const note of notes) await write(JSON.stringify({ type: 'checkpoint', note }));
  const sizes = notes.map((note) => Number(note.split('\n')[1]));
  for (let i = 1; i < sizes.length; i += 1) await write(JSON.stringify({ type: 'consistency', from: sizes[i - 1], to: sizes[i], proof: consistencyPath(leaves, sizes[i - 1], sizes[i]).map(toHex) }));
  const seal = sealBody(ORIGIN, { complete: true, size: EVENTS, events: EVENTS, lastPosition: EVENTS, lastHash: toHex(prev) });
  await write(JSON.stringify({ type: 'seal', note: signNote(seal, 'union-register', keys.privateKey, keys.publicKey) }));
  out.end();
  await once(out, 'finish');
  return notes.length;
}

/** A program run as its own process under GNU time: its wall time, peak resident memory and output. */
function measured(script: string, args: string[]): { seconds: number; peakMb: number; output: string; ok: boolean } {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'peak-kb %M', process.execPath, '-r', join(ROOT, 'scripts/paths.js'), script, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const peak = /peak-kb (\d+)/.exec(run.stderr)?.[1];
  return { seconds: round(seconds, 1), peakMb: Math.round(Number(peak ?? 0) / 1024), output: `${run.stdout}${run.stderr.replace(/peak-kb \d+\s*$/, '')}`.trim(), ok: run.status === 0 };
}

/** The baseline: the same file as a stream of lines, each line hashed once. */
const HASH_LINES = `
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');
const { hash } = require('node:crypto');
(async () => {
  let n = 0, x = 0;
  for await (const line of createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8' }), crlfDelay: Infinity })) {
    x ^= hash('sha256', line, 'binary').charCodeAt(0); n += 1;
  }
  console.log('lines ' + n + (x & 0));
})();`;

/** The verifier that holds the bundle whole (verifier-core.ts alone, as an auditor may run it). */
const WHOLE = `
const { readFileSync } = require('node:fs');
const { verifyBundle } = require(process.argv[3]);
try {
  const verdict = verifyBundle(readFileSync(process.argv[2], 'utf8').split('\\n'), { verifierKey: process.argv[4] });
  console.log(verdict.ok ? 'VERIFIED' : 'NOT VERIFIED');
} catch (error) { console.log('fails: ' + error.message); process.exitCode = 1; }`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verify-bundle-bench-'));
  try {
    const file = join(dir, 'personnel.ndjson');
    const t0 = performance.now();
    const checkpoints = await writeBundle(file);
    const mb = statSync(file).size / 1e6;
    console.log(`verify-bundle bench: ${EVENTS} events, ${checkpoints} checkpoints, ${round(mb, 0)} MB, written in ${round((performance.now() - t0) / 1000, 1)} s`);
    writeFileSync(join(dir, 'hash-lines.js'), HASH_LINES);
    writeFileSync(join(dir, 'whole.js'), WHOLE);
    const baseline = measured(join(dir, 'hash-lines.js'), [file]);
    const ours = measured(join(ROOT, 'dist/libs/verifiable-log/src/verify-bundle.js'), [file, '--key', KEY]);
    if (!ours.ok || !ours.output.startsWith('VERIFIED')) throw new Error(`the honest bundle did not verify: ${ours.output}`);
    const whole = measured(join(dir, 'whole.js'), [file, join(ROOT, 'dist/libs/verifiable-log/src/verifier-core.js'), KEY]);
    const rate = (seconds: number) => Math.round(EVENTS / seconds);
    printTable(
      ['measure', 'events/s', 'seconds', 'peak MB', 'ratio to baseline'],
      [
        ['npm run verify (streamed, in runs)', rate(ours.seconds), ours.seconds, ours.peakMb, round(baseline.seconds / ours.seconds, 3)],
        ['baseline: the lines read and hashed', rate(baseline.seconds), baseline.seconds, baseline.peakMb, 1],
        [`the bundle held whole (verifier-core.ts): ${whole.output.split('\n')[0].slice(0, 60)}`, whole.ok ? rate(whole.seconds) : '-', whole.seconds, whole.peakMb, whole.ok ? round(baseline.seconds / whole.seconds, 3) : '-'],
      ],
      `Offline verification of a ${round(mb, 0)} MB bundle (each its own process, the same run)`,
    );
    const results = writeResults('verify-bundle', { environment: environment(), events: EVENTS, checkpoints, mb: round(mb, 1), ours, baseline, whole });
    console.log(`\nfigures in ${results}`);
  } finally {
    // BENCH_BUNDLE_KEEP=1 keeps the bundle, to profile a verifier on it.
    if (process.env.BENCH_BUNDLE_KEEP === '1') console.log(`bundle kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
