/**
 * `node -r scripts/paths.js dist/test/faults/shadow-main.js <pgUrl> <mongoUrl>`: a run's shadow
 * rebuild diffs (shadow.ts) as JSON on the last line of stdout. The checks run it from the run's
 * build in a process of its own, so that jest does not compile every service's projections.
 */
import { shadowRebuildDiffs } from './shadow';

const [pgUrl, mongoUrl] = process.argv.slice(2);
shadowRebuildDiffs(pgUrl, mongoUrl).then(
  (diffs) => {
    process.stdout.write(`\n${JSON.stringify(diffs)}\n`);
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
