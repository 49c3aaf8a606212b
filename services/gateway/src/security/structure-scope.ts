import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MEMBER_PLACEMENT, MemberPlacement, PostPeriod, SCOPE_RESOLVER, ScopeResolver, UNIT_PLACEMENT, UnitPlacement } from '@register/auth';

/**
 * Where a unit, branch or member sits now. A provider of SCOPE_RESOLVER (the distributed gateway's,
 * which asks the services over HTTP) takes precedence; otherwise the placement ports that the
 * organisation and personnel modules of this process provide (embedded start).
 */
@Injectable()
export class StructureScopeResolver implements ScopeResolver {
  private delegate?: ScopeResolver;
  private units?: UnitPlacement;
  private members?: MemberPlacement;

  constructor(private readonly modules: ModuleRef) {}

  async ancestry(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string[] | undefined> {
    this.delegate ??= this.find<ScopeResolver>(SCOPE_RESOLVER);
    if (this.delegate) return this.delegate.ancestry(target, day);
    this.units ??= this.find<UnitPlacement>(UNIT_PLACEMENT);
    return this.units?.ancestry(target, day);
  }

  async openUnitOf(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string | null | undefined> {
    this.delegate ??= this.find<ScopeResolver>(SCOPE_RESOLVER);
    if (this.delegate) return this.delegate.openUnitOf?.(target, day);
    this.units ??= this.find<UnitPlacement>(UNIT_PLACEMENT);
    return this.units?.openUnitOf?.(target, day);
  }

  async branchOfMember(memberId: string, day?: string, postWithin?: PostPeriod): Promise<string | undefined> {
    this.delegate ??= this.find<ScopeResolver>(SCOPE_RESOLVER);
    if (this.delegate) return this.delegate.branchOfMember?.(memberId, day, postWithin);
    this.members ??= this.find<MemberPlacement>(MEMBER_PLACEMENT);
    return this.members?.branchOfMember(memberId, day, postWithin);
  }

  /** A provider of another module of this process, or undefined where that service does not run here. */
  private find<T>(token: symbol): T | undefined {
    try {
      return this.modules.get<T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
