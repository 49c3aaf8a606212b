import { Injectable } from '@nestjs/common';
import { UnitPlacement } from '@register/auth';
import { StructureService } from './structure.service';

/** Where a unit or branch sits in the tree now, for authorisation: unit ids from its own unit up to the root. */
@Injectable()
export class StructurePlacement implements UnitPlacement {
  constructor(private readonly structure: StructureService) {}

  async ancestry(target: { kind: 'unit' | 'branch'; id: string }): Promise<string[] | undefined> {
    const s = await this.structure.structure();
    let unitId: string | null | undefined = target.kind === 'unit' ? (s.units.has(target.id) ? target.id : undefined) : s.branches.get(target.id)?.parentUnitId;
    const chain: string[] = [];
    while (unitId && chain.length < 64 && !chain.includes(unitId)) {
      chain.push(unitId);
      unitId = s.units.get(unitId)?.parentId;
    }
    return chain.length > 0 ? chain : undefined;
  }
}
