import { readFileSync } from 'node:fs';
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
export async function runVerify(args: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8'), linesOf: (file: string) => BundleLines = fileLines): Promise<{ output: string; code: number }> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return { output: USAGE, code: args.length === 0 ? 2 : 0 };
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  // An option given twice is a wrong use, not a choice to make for the auditor (a probe's second --key was passed over).
  const twice = ['--key', '--key-file', '--trusted'].find((name) => args.filter((a) => a === name).length > 1);
  if (twice) return { output: `${twice} is given more than once: give it once\n\n${USAGE}`, code: 2 };
  if (args.includes('--key') && args.includes('--key-file')) return { output: `--key and --key-file are both given: give one verifier key\n\n${USAGE}`, code: 2 };
  const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!file) return { output: USAGE, code: 2 };
  const keyFile = option('--key-file');
  const trusted = option('--trusted');
  const trust = { verifierKey: option('--key') ?? (keyFile ? read(keyFile).trim() : undefined), checkpoint: trusted ? read(trusted) : undefined };
  if (trust.verifierKey !== undefined) {
    try {
      parseVerifierKey(trust.verifierKey);
    } catch (error) {
      return { output: `the verifier key given is not one (${(error as Error).message}): GET /api/v1/audit/checkpoints answers it as publicKey\n\n${USAGE}`, code: 2 };
    }
  }
  let verdict;
  try {
    verdict = await verifyBundleInRuns(linesOf(file), trust);
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

if (require.main === module) {
  runVerify(process.argv.slice(2)).then(
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
