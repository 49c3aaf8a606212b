import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The OpenAPI document tells the truth: Schemathesis, with every check, finds no failure against
 * a fresh embedded start (test/openapi/schemathesis.sh; needs the build `npm test` makes and
 * Schemathesis from PyPI, which .ci/run installs).
 */
describe('the OpenAPI document, checked by Schemathesis against the embedded start', () => {
  it('reports no failure and no error', () => {
    const run = spawnSync('bash', [join(__dirname, 'schemathesis.sh')], { encoding: 'utf8', timeout: 9 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    const report = `${run.stdout}\n${run.stderr}`;
    // On failure, the report (each failing case with its curl command) is what the assertion shows.
    expect({ status: run.status, signal: run.signal, report: run.status === 0 ? 'ok' : report.slice(-20_000) }).toEqual({ status: 0, signal: null, report: 'ok' });
  }, 10 * 60_000);
});
