import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SCOPE_RESOLVER, ScopeResolver } from '@register/auth';
import { StructureService } from '../../../organisation/src/application/structure.service';
import { PersonnelDirectory } from '../../../personnel/src/application/personnel-directory';

/**
 * Where a unit or branch sits in the tree now, from the organisation service in this process.
 * A provider of SCOPE_RESOLVER (e.g. exported by OrganisationModule) takes precedence; otherwise
 * the organisation's StructureService is read directly (embedded start).
 */
@Injectable()
export class StructureScopeResolver implements ScopeResolver {
  private delegate?: ScopeResolver;
  private structure?: StructureService;
  private personnel?: PersonnelDirectory;

  constructor(private readonly modules: ModuleRef) {}

  async ancestry(target: { kind: 'unit' | 'branch'; id: string }): Promise<string[] | undefined> {
    const delegate = this.resolveDelegate();
    if (delegate) return delegate.ancestry(target);
    const service = this.resolveStructure();
    if (!service) return undefined;
    const s = await service.structure();
    let unitId: string | null | undefined = target.kind === 'unit' ? (s.units.has(target.id) ? target.id : undefined) : s.branches.get(target.id)?.parentUnitId;
    const chain: string[] = [];
    while (unitId && chain.length < 64 && !chain.includes(unitId)) {
      chain.push(unitId);
      unitId = s.units.get(unitId)?.parentId;
    }
    return chain.length > 0 ? chain : undefined;
  }

  async branchOfMember(memberId: string): Promise<string | undefined> {
    const delegate = this.resolveDelegate();
    if (delegate) return delegate.branchOfMember?.(memberId);
    this.personnel ??= this.find(PersonnelDirectory);
    return this.personnel?.member(memberId)?.branchId;
  }

  private resolveDelegate(): ScopeResolver | undefined {
    this.delegate ??= this.find<ScopeResolver>(SCOPE_RESOLVER);
    return this.delegate;
  }

  private resolveStructure(): StructureService | undefined {
    this.structure ??= this.find(StructureService);
    return this.structure;
  }

  /** A provider of another module of this process, or undefined where that service does not run here. */
  private find<T>(token: symbol | (abstract new (...args: never[]) => T)): T | undefined {
    try {
      return this.modules.get<T>(token as never, { strict: false });
    } catch {
      return undefined;
    }
  }
}
