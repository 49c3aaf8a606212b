import { Injectable } from '@nestjs/common';
import { PostPeriod, ScopeResolver } from '@register/auth';
import { ServiceClient } from './service-client';

interface Unit {
  id: string;
  status?: string;
  successorIds?: string[];
}

interface Placed extends Unit {
  /** Units from the top of the tree down to the parent (organisation's views). */
  path: Unit[];
}

/**
 * Where a unit, branch or member sits now, asked of the owning service over HTTP: the distributed
 * gateway holds no copy of the tree, so a scoped write is checked against the tree as it is.
 */
@Injectable()
export class HttpScopeResolver implements ScopeResolver {
  constructor(private readonly services: ServiceClient) {}

  /** As organisation's StructurePlacement answers it: the units up to the root, then for a unit merged away on that way its successor's. */
  async ancestry(target: { kind: 'unit' | 'branch'; id: string }, day?: string, seen = new Set<string>()): Promise<string[] | undefined> {
    // `day`: the tree in force then (organisation reads it asOf); today's where it was not there then.
    const then = day === undefined ? undefined : await this.services.read<Placed>('organisation', `/api/v1/${target.kind === 'unit' ? 'units' : 'branches'}/${encodeURIComponent(target.id)}?asOf=${day}`);
    const found = then ?? (await this.services.read<Placed>('organisation', `/api/v1/${target.kind === 'unit' ? 'units' : 'branches'}/${encodeURIComponent(target.id)}`));
    if (!found) return undefined;
    const own = [...(target.kind === 'unit' ? [found] : []), ...[...found.path].reverse()];
    const chain = own.map((u) => u.id);
    for (const id of chain) seen.add(id);
    for (const successor of own.filter((u) => u.status === 'merged').flatMap((u) => u.successorIds ?? [])) {
      if (seen.has(successor) || seen.size >= 64) continue;
      for (const id of (await this.ancestry({ kind: 'unit', id: successor }, undefined, seen)) ?? []) if (!chain.includes(id)) chain.push(id);
    }
    return chain;
  }

  /** As organisation's StructurePlacement answers it, from the same view: the nearest unit open today that holds what a closed unit or branch held. */
  async openUnitOf(target: { kind: 'unit' | 'branch'; id: string }, day?: string, hops = 0): Promise<string | null | undefined> {
    const found = await this.services.read<Placed & { closedOn?: string | null; dissolvedOn?: string | null }>('organisation', `/api/v1/${target.kind === 'unit' ? 'units' : 'branches'}/${encodeURIComponent(target.id)}`);
    if (!found || found.status === undefined || found.status === 'active') return undefined;
    const closedOn = found.closedOn ?? found.dissolvedOn;
    if (day !== undefined && closedOn && closedOn > day) return undefined;
    for (const u of [...(target.kind === 'unit' ? [found] : []), ...[...found.path].reverse()]) {
      if (u.status === undefined || u.status === 'active') return u.id;
      if (u.status !== 'merged') continue;
      const successor = u.successorIds?.[0];
      if (!successor || hops >= 16) return null;
      // The successor itself when it is open (undefined); null when nothing open holds it, as organisation's openUnitIn answers.
      const next = await this.openUnitOf({ kind: 'unit', id: successor }, undefined, hops + 1);
      return next === undefined ? successor : next;
    }
    return null;
  }

  /** From the member's placement, which shows no personal data: GET /members/{id} would log a read of it for every check. */
  async branchOfMember(memberId: string, day?: string, postWithin?: PostPeriod): Promise<string | undefined> {
    const query = new URLSearchParams({ ...(day ? { asOf: day } : {}), ...(postWithin ? { postFrom: postWithin.from, postTo: postWithin.to } : {}) }).toString();
    const member = await this.services.read<{ branchId?: string | null }>('personnel', `/api/v1/members/${encodeURIComponent(memberId)}/placement${query ? `?${query}` : ''}`);
    return member?.branchId ?? undefined;
  }
}
