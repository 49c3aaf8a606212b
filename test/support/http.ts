/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON the tests inspect freely */
import { INestApplication } from '@nestjs/common';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client for an app listening on a loopback port: the tests speak real HTTP. */
export async function httpClient(app: INestApplication) {
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/api/v1`.replace('[::1]', '127.0.0.1');
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const response = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => readOwnWrites(() => call<T>('GET', path, undefined, headers), path),
    post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
  };
}

const RETRY_BEHIND_FOR_MS = 60_000;

/**
 * A read with `minPosition` answers 503 "retry shortly" when the read model is still behind after
 * the service's brief wait (api.md): the client retries, as every caller of the contract must. On a
 * loaded machine a projection on FerretDB can trail a burst of writes by more than that wait, and
 * a test that took the 503 for an answer failed whatever the code.
 */
async function readOwnWrites<T>(read: () => Promise<Answer<T>>, path: string): Promise<Answer<T>> {
  if (!/[?&]minPosition=/.test(path)) return read();
  for (const deadline = Date.now() + RETRY_BEHIND_FOR_MS; ; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const answer = await read();
    if (answer.status !== 503 || Date.now() > deadline) return answer;
  }
}
