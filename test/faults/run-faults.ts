/**
 * `npm run faults [-- --profile ci|full]`: the fault matrix (full by default), then its table.
 * The full profile kills and stalls the shared PostgreSQL, Kafka and FerretDB of deploy/dev: run it
 * when no other test uses them. Exit code 1 when a row is not clean (see docs/faults.md).
 */
import { runProfile, Profile } from './matrix';
import { clean, formatTable } from './table';

async function main(): Promise<number> {
  const at = process.argv.indexOf('--profile');
  const profile = (at >= 0 ? process.argv[at + 1] : 'full') as Profile;
  if (profile !== 'ci' && profile !== 'full') throw new Error('--profile is ci or full');
  const started = Date.now();
  const results = await runProfile(profile, (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`));
  console.log(`\nfault matrix (${profile}), ${new Date().toISOString()}, ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
  console.log(formatTable(results));
  return clean(results) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
