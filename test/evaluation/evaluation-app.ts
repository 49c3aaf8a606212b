import { EventStore } from '@register/event-sourcing';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { Gateway, startGateway, why } from '../gateway/gateway-app';

/**
 * The embedded start with evaluation beside organisation and personnel. The relay is off in these
 * tests: `sync()` hands organisation's and personnel's new events to evaluation's replica (and
 * personnel's reactions), in log order, as their consumers would.
 */
export async function startEvaluation() {
  const gw = await startGateway({ modules: [EvaluationModule] });
  const replica = gw.app.get(SubjectsReplica);
  const evaluationStore = gw.app.get<EventStore>(EVALUATION_STORE);
  const handed = { organisation: 0, personnel: 0 };
  const feed = async (log: EventStore, key: keyof typeof handed, apply: (e: Parameters<SubjectsReplica['applyOrganisation']>[0]) => void) => {
    for (let page = await log.readAll(handed[key], 500); page.length > 0; page = await log.readAll(handed[key], 500)) {
      page.forEach(apply);
      handed[key] = page[page.length - 1].position;
    }
  };
  const sync = async () => {
    await gw.syncPersonnel();
    await feed(gw.store, 'organisation', (e) => replica.applyOrganisation(e));
    await feed(gw.personnelStore, 'personnel', (e) => replica.applyPersonnel(e));
  };
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  const heads = async () => `${await gw.heads()}/${await evaluationStore.headPosition()}`;
  return { gw, admin, replica, evaluationStore, sync, heads };
}

export type EvaluationApp = Awaited<ReturnType<typeof startEvaluation>>;

const COMMUNES = 12;
const BRANCHES_PER_COMMUNE = 7;

/** Quỳ Châu: the district, its 12 communes and towns, 84 residential branches (7 a commune), all established in 2015. */
export async function seedQuyChau(admin: ReturnType<Gateway['api']>) {
  const since = why('khởi tạo', '2015-01-01');
  const units = [
    { id: 'tw', kind: 'central', name: 'Trung ương Đoàn' },
    { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' },
    { id: 'qc', kind: 'district', name: 'Huyện đoàn Quỳ Châu', parentId: 'na' },
    ...Array.from({ length: COMMUNES }, (_, c) => ({ id: `qc-x${c + 1}`, kind: 'grassroots', name: `Đoàn xã Châu số ${c + 1}`, parentId: 'qc' })),
  ];
  for (const u of units) expectCreated(await admin.post('/units', { ...u, ...since }), u.id);
  const branches: Array<{ id: string; commune: string }> = [];
  for (let c = 1; c <= COMMUNES; c++) {
    for (let b = 1; b <= BRANCHES_PER_COMMUNE; b++) {
      const id = `qc-x${c}-b${b}`;
      expectCreated(await admin.post('/branches', { id, parentUnitId: `qc-x${c}`, name: `Chi đoàn bản Số ${b}`, area: { kind: 'village', name: `Bản Số ${b}` }, ...since }), id);
      branches.push({ id, commune: `qc-x${c}` });
    }
  }
  return branches;
}

function expectCreated(r: { status: number; raw: string }, id: string) {
  if (r.status !== 201) throw new Error(`seed ${id}: ${r.status} ${r.raw}`);
}
