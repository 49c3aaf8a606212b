import { Injectable } from '@nestjs/common';
import { ScopeResolver } from '@register/auth';
import { ServiceClient } from './service-client';

interface Placed {
  id: string;
  /** Units from the top of the tree down to the parent (organisation's views). */
  path: Array<{ id: string }>;
}

/**
 * Where a unit, branch or member sits now, asked of the owning service over HTTP: the distributed
 * gateway holds no copy of the tree, so a scoped write is checked against the tree as it is.
 */
@Injectable()
export class HttpScopeResolver implements ScopeResolver {
  constructor(private readonly services: ServiceClient) {}

  async ancestry(target: { kind: 'unit' | 'branch'; id: string }): Promise<string[] | undefined> {
    const found = await this.services.read<Placed>('organisation', `/api/v1/${target.kind === 'unit' ? 'units' : 'branches'}/${encodeURIComponent(target.id)}`);
    if (!found) return undefined;
    const up = found.path.map((u) => u.id).reverse();
    return target.kind === 'unit' ? [found.id, ...up] : up;
  }

  /** From the member's placement, which shows no personal data: GET /members/{id} would log a read of it for every check. */
  async branchOfMember(memberId: string): Promise<string | undefined> {
    const member = await this.services.read<{ branchId?: string | null }>('personnel', `/api/v1/members/${encodeURIComponent(memberId)}/placement`);
    return member?.branchId ?? undefined;
  }
}
