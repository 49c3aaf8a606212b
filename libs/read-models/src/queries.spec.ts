import { ArgumentsHost, Logger } from '@nestjs/common';
import { ProblemDetailsFilter } from '@register/service-kit';
import { defineProjection } from './projection';
import { liveTarget } from './naming';
import { ProjectionQueries, ReadModelBehind } from './queries';
import { ProjectionRunner } from './runner';
import { MemoryReadStore } from './stores/memory-read-store';

const branches = defineProjection({ name: 'branches', version: 1, collections: { branches: {} }, handlers: {} });

/** A read model at position 5 of a log whose head is 8: it reaches what the log holds only if its wait lets it. */
function queriesAt(position: number, head: number, upstream?: ConstructorParameters<typeof ProjectionQueries>[5]) {
  const runner = { position, source: { headPosition: jest.fn(async () => head) }, waitFor: jest.fn(async (min: number) => min <= position) };
  const queries = new ProjectionQueries(branches, new MemoryReadStore(), liveTarget(branches), runner as unknown as ProjectionRunner, 10, upstream);
  return { queries, runner };
}

describe('a read of today with minPosition', () => {
  it("takes a position beyond this log's head for another log's (positions are per log): waits for the head, at once when the copy has it", async () => {
    const caughtUp = queriesAt(8, 8);
    await expect(caughtUp.queries.require(999_999_999)).resolves.toBe(caughtUp.queries);
    expect(caughtUp.runner.waitFor).toHaveBeenCalledWith(8, 10);
    const behind = queriesAt(5, 8);
    await expect(behind.queries.require(999_999_999)).rejects.toBeInstanceOf(ReadModelBehind);
    expect(behind.runner.waitFor).toHaveBeenCalledWith(8, 10);
  });

  it('waits for a position the log holds (a 503 if the copy does not reach it), and reads no head for one it has', async () => {
    const { queries, runner } = queriesAt(5, 8);
    await expect(queries.require(8)).rejects.toBeInstanceOf(ReadModelBehind);
    expect(runner.waitFor).toHaveBeenCalledWith(8, 10);
    runner.source.headPosition.mockClear();
    await expect(queries.require(5)).resolves.toBe(queries);
    await expect(queries.require(undefined)).resolves.toBe(queries);
    expect(runner.source.headPosition).not.toHaveBeenCalled();
  });
});

describe('a read of today with minPosition that another log of the process may hold (UpstreamLogs)', () => {
  it('given the other logs reached this process up to it, when read, then it waits for this log\'s head (the reactions are in it)', async () => {
    const { queries, runner } = queriesAt(8, 8, async () => 'settled');
    await expect(queries.require(3)).resolves.toBe(queries);
    expect(runner.waitFor).toHaveBeenCalledWith(8, expect.any(Number));
    const behindHere = queriesAt(5, 8, async () => 'settled');
    await expect(behindHere.queries.require(3)).rejects.toBeInstanceOf(ReadModelBehind);
  });

  it('given another log that has not reached this process in time, then 503', async () => {
    const { queries, runner } = queriesAt(8, 8, async () => 'behind');
    await expect(queries.require(3)).rejects.toBeInstanceOf(ReadModelBehind);
    expect(runner.waitFor).not.toHaveBeenCalled();
  });

  it('given a wait for its own log (a command path, a consumer\'s reaction), then it never asks the other logs: a consumer would wait for itself', async () => {
    const upstream = jest.fn(async () => 'behind' as const);
    const { queries, runner } = queriesAt(8, 8, upstream);
    await expect(queries.requireOwn(8)).resolves.toBe(queries);
    expect(upstream).not.toHaveBeenCalled();
    expect(runner.waitFor).toHaveBeenCalledWith(8, 10);
  });

  it('given no other log could hold it, then it waits for the position in this log alone', async () => {
    const { queries, runner } = queriesAt(5, 8, async () => 'none');
    await expect(queries.require(5)).resolves.toBe(queries);
    expect(runner.waitFor).toHaveBeenCalledWith(5, expect.any(Number));
    expect(runner.source.headPosition).not.toHaveBeenCalled();
  });
});

describe('how the problem filter logs what it answers', () => {
  const reply = { status: () => reply, header: () => reply, send: () => reply };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs a read model behind (503, expected: the client retries) as a warning, without a stack trace', () => {
    new ProblemDetailsFilter().catch(new ReadModelBehind('branches', 12, 9), host);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] as [string];
    expect(line).toContain('503');
    expect(line).toContain('not yet at 12');
    expect(line).not.toMatch(/\n\s+at /);
  });

  it('keeps an unexpected failure (500) an error with its stack trace', () => {
    new ProblemDetailsFilter().catch(new TypeError('boom'), host);
    expect(warn).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/TypeError: boom\n\s+at /));
  });
});
