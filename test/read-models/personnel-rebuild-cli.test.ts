import { runRebuildCli } from '../../libs/read-models/src/cli/rebuild';
import { Distributed, startDistributed } from '../gateway/distributed-app';

jest.setTimeout(180_000);

/**
 * Found by the fault harness (docs/faults.md): the rebuild CLI read personnel's log as stored, its
 * personal data sealed, so a shadow rebuild of the member directory had no names and differed from
 * the live copy of any log with a member (exit code 2 on a healthy register). It now reads the log
 * through the reader personnel registers beside its projections, with the member keys.
 */
describe('npm run rebuild -- --service personnel --mode shadow-diff', () => {
  let d: Distributed;

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-rebuild-personnel-0123');
  });
  afterAll(async () => d?.close());

  it('finds no difference on a healthy log with a member (names sealed at rest)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const admitted = await d.gw.post('/members', { id: 'm-rebuild', branchId: 'b-3', fullName: 'Lò Thị Dựng', dateOfBirth: '2001-05-01', gender: 'female', admittedOn: today, reason: 'kết nạp' }, d.admin);
    expect(admitted.status).toBe(201);
    const read = await d.gw.get(`/members/m-rebuild?minPosition=${admitted.body.position}`, d.admin);
    expect(read.body.fullName).toBe('Lò Thị Dựng');
    const lines: string[] = [];
    const code = await runRebuildCli(['--service', 'personnel', '--mode', 'shadow-diff', '--pg', d.config.postgresUrl, '--mongo', d.config.mongoUrl], (l) => lines.push(l));
    expect({ code, lines }).toMatchObject({ code: 0 }); // the lines show each projection's figures when it fails
  });
});
