import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BundleLines, fileLines, verifyBundleInRuns } from './bundle-in-runs';
import { parseVerifierKey, UnreadableBundle } from './verifier-core';

const USAGE = `npm run verify -- BUNDLE [--key VERIFIER_KEY | --key-file FILE] [--trusted CHECKPOINT_FILE]

Checks a bundle that GET /api/v1/audit/exports answered, with no server and no database:
every event's hash, the chain's order and completeness, each checkpoint's Ed25519 signature, and
the consistency proof between each checkpoint and the one before. Give the register's published
verifier key (GET /api/v1/audit/checkpoints answers it as publicKey); without it the bundle's own
key is used, and the verdict says so. --trusted names a checkpoint kept from before: the bundle's
log must pass through it. Exits 0 when clean, 1 with the problems otherwise, 2 on bad usage.`;

/**
 * The verdict for the command line's arguments, and the exit code. The bundle is read as a stream
 * of lines (`linesOf`), twice, never held whole: a province's bundle is larger than a string can be.
 */
export async function runVerify(
  args: string[],
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
  linesOf: (file: string) => BundleLines = fileLines,
  say: (progress: string) => void = () => undefined,
): Promise<{ output: string; code: number }> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return { output: USAGE, code: args.length === 0 ? 2 : 0 };
  const parsed = usage(args);
  if (typeof parsed === 'string') return { output: `${parsed}\n\n${USAGE}`, code: 2 };
  const { file, key, keyFile, trusted } = parsed;
  const trust = { verifierKey: key ?? (keyFile ? read(keyFile).trim() : undefined), checkpoint: trusted ? read(trusted) : undefined };
  if (trust.verifierKey !== undefined) {
    try {
      parseVerifierKey(trust.verifierKey);
    } catch (error) {
      return { output: `the verifier key given is not one (${(error as Error).message}): GET /api/v1/audit/checkpoints answers it as publicKey\n\n${USAGE}`, code: 2 };
    }
  }
  let verdict;
  try {
    verdict = await verifyBundleInRuns(linesOf(file), trust, undefined, everyFewSeconds(say));
  } catch (error) {
    // A damaged bundle is a bundle not verified (1), not a wrong use of the command (2): only a file that cannot be opened is the caller's (a probe's damaged bundles exited 2).
    if (error instanceof UnreadableBundle || !(error as NodeJS.ErrnoException).code) return { output: `NOT VERIFIED: the bundle cannot be read: ${(error as Error).message}`, code: 1 };
    throw error;
  }
  const lines = [
    `${verdict.ok ? 'VERIFIED' : 'NOT VERIFIED'}: the ${verdict.service} log, ${verdict.events} events (chain size ${verdict.size}, root ${verdict.rootHash})`,
    verdict.key === 'trusted' ? 'key: the verifier key given' : 'key: the bundle\'s own (give --key to check it against the published one)',
    // The seal signs the range asked and the events exported; that it is the range the auditor asked for is theirs to see.
    ...(verdict.range ? [`range: positions ${verdict.range.fromPosition} to ${verdict.range.toPosition} asked; its last event is at ${verdict.headPosition} (compare with the range you asked)`] : []),
    ...verdict.problems.map((p) => `  ${p.kind} at ${p.position ?? '-'}: ${p.detail}`),
  ];
  return { output: lines.join('\n'), code: verdict.ok ? 0 : 1 };
}

/** Progress on long work: a national bundle takes minutes, and said nothing until its verdict. At most one line every 5 seconds. */
export function everyFewSeconds(say: (progress: string) => void, clock: () => number = Date.now, intervalMs = 5000): (eventsVerified: number) => void {
  const started = clock();
  let last = started;
  return (events) => {
    const now = clock();
    if (now - last < intervalMs) return;
    last = now;
    say(`… ${events.toLocaleString('en')} events verified (${Math.round(events / ((now - started) / 1000)).toLocaleString('en')}/s)`);
  };
}

/**
 * The command line read strictly (node:util's parseArgs): `--key=VALUE` as `--key VALUE`, and an
 * option unknown, given twice or without its value, or a second file, is a wrong use. Read loosely,
 * each fell back to the bundle's own key and a forgery signed with it verified (a probe's).
 */
function usage(args: string[]): { file: string; key?: string; keyFile?: string; trusted?: string } | string {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { key: { type: 'string', multiple: true }, 'key-file': { type: 'string', multiple: true }, trusted: { type: 'string', multiple: true } } });
  } catch (error) {
    return (error as Error).message;
  }
  const { values, positionals } = parsed;
  const twice = (['key', 'key-file', 'trusted'] as const).find((name) => (values[name]?.length ?? 0) > 1);
  if (twice) return `--${twice} is given more than once: give it once`;
  if (values.key && values['key-file']) return '--key and --key-file are both given: give one verifier key';
  const empty = (['key', 'key-file', 'trusted'] as const).find((name) => values[name]?.[0] !== undefined && values[name]![0].trim() === '');
  if (empty) return `--${empty} is given no value`;
  if (positionals.length !== 1) return positionals.length === 0 ? 'no bundle file is given' : `one bundle at a time: ${positionals.length} files are given (${positionals.join(', ')})`;
  return { file: positionals[0], key: values.key?.[0], keyFile: values['key-file']?.[0], trusted: values.trusted?.[0] };
}

if (require.main === module) {
  runVerify(process.argv.slice(2), undefined, undefined, (progress) => process.stderr.write(`${progress}\n`)).then(
    ({ output, code }) => {
      console.log(output);
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(`cannot verify: ${error.message}`);
      process.exitCode = 2;
    },
  );
}
