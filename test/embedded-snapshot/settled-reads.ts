import { Register } from '../scale/embedded-register';

/**
 * The reads as they stand once every log's head is reflected: the summary's paths ask `minPosition`
 * at each log's head. Without it the summary may come from a stored rollup refreshed a few seconds
 * earlier (a read model's lag, docs/reports.md), and two reads of one state would differ by timing.
 */
export async function settledPaths(register: Register, paths: string[]): Promise<string[]> {
  const answer = await register.send('POST', '/audit/verifications', {}, { authorization: await register.bearer('snapshot-auditor') });
  if (answer.status !== 200) throw new Error(`verifying the logs: ${answer.status} ${answer.raw}`);
  const heads = (answer.body as { logs: Array<{ service: string; headPosition: number }> }).logs.map((l) => `${l.service}:${l.headPosition}`).join(',');
  return paths.map((p) => (/\/reports\/units\/[^/?]+\/summary$/.test(p) ? `${p}?minPosition=${heads}` : p));
}
