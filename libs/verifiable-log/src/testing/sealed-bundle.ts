import type { KeyObject } from 'node:crypto';
import { BundleEnd, sealBody, signNote } from '../verifier-core';

/** A bundle's lines (as strings, the header first) with the seal the register would write last, signed by `name`'s key. */
export function sealed(lines: string[], keys: { privateKey: KeyObject; publicKey: KeyObject }, name = 'union-register'): string[] {
  const header = JSON.parse(lines[0]) as { origin: string; complete: boolean; size: number; fromPosition?: number; toPosition?: number };
  const end = new BundleEnd();
  for (const line of lines.slice(1)) if (line.startsWith('{"type":"event"')) end.feed(JSON.parse(line) as Record<string, unknown>);
  const { complete, size, fromPosition, toPosition, origin } = header;
  const body = sealBody(origin, { complete, size, fromPosition, toPosition, events: end.events, lastPosition: end.lastPosition, lastHash: end.lastHash });
  return [...lines, JSON.stringify({ type: 'seal', note: signNote(body, name, keys.privateKey, keys.publicKey) })];
}
