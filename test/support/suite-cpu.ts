import { appendFileSync, readdirSync, readFileSync } from 'node:fs';

/**
 * With REGISTER_TEST_CPU=FILE, each suite appends to FILE the CPU it cost: its worker's own
 * (threads included) and that of the child processes it started and saw end, from
 * /proc/self/stat. A run on two cores is bound by its CPU, not its waits (docs/testing.md), so
 * this, not a suite's wall time beside two others, says what a suite costs.
 */
const out = process.env.REGISTER_TEST_CPU;
if (out) {
  const ticks = () => {
    // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are the 12th to 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { own: utime + stime, children: cutime + cstime };
  };
  // Taken as the suite's file is set up, before its imports load: loading them is part of its cost.
  const start = ticks();
  const began = Date.now();
  afterAll(() => {
    const end = ticks();
    const suite = expect.getState().testPath?.replace(`${process.cwd()}/`, '');
    // The worker's threads when the suite ends: a thread left running by a suite costs every later suite of the worker.
    const threads = readdirSync('/proc/self/task').length;
    // What still keeps the worker busy once the suite is done (timers, sockets, threads): left behind, it runs beside every later suite.
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
    appendFileSync(out, `${JSON.stringify({ suite, ownSeconds: (end.own - start.own) / 100, childrenSeconds: (end.children - start.children) / 100, wallSeconds: (Date.now() - began) / 1000, worker: process.pid, threads, resources })}\n`);
  });
}
