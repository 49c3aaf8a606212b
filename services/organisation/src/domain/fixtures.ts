import { OrganisationEvent, ResidentialArea, UnitKind } from '@register/contracts';

/** Past facts for given/when/then specifications of the structure. */
export const unit = (unitId: string, kind: UnitKind, parentId: string | null, name = unitId): OrganisationEvent => ({
  type: 'UnitEstablished',
  data: { unitId, kind, name, parentId },
});

export const branch = (branchId: string, parentUnitId: string, name = branchId, area: ResidentialArea | null = { kind: 'hamlet', name }): OrganisationEvent => ({
  type: 'BranchEstablished',
  data: { branchId, parentUnitId, name, area, predecessorIds: [] },
});

/** Central → province Nghệ An → district Quế Phong → commune Tiền Phong, with two hamlet branches. */
export const aDistrict: OrganisationEvent[] = [
  unit('tw', 'central', null, 'Trung ương Đoàn'),
  unit('na', 'province', 'tw', 'Tỉnh đoàn Nghệ An'),
  unit('qp', 'district', 'na', 'Huyện đoàn Quế Phong'),
  unit('tp', 'grassroots', 'qp', 'Đoàn xã Tiền Phong'),
  branch('b1', 'tp', 'Chi đoàn bản Na Ca'),
  branch('b2', 'tp', 'Chi đoàn bản Huồi Mới'),
];
