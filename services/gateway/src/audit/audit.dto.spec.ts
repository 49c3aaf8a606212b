import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuditEventsQuery, EntityParams } from './audit.dto';

const failures = async <T extends object>(type: new () => T, value: Record<string, string>) => (await validate(plainToInstance(type, value))).map((e) => e.property);

describe('the audit log\'s filters (api.md: "the log", every service\'s)', () => {
  it('filters by any of the four services\' logs, as verifications, checkpoints and exports cover them', async () => {
    for (const service of ['organisation', 'personnel', 'training', 'evaluation']) expect(await failures(AuditEventsQuery, { service })).toEqual([]);
    expect(await failures(AuditEventsQuery, { service: 'payroll' })).toEqual(['service']);
  });

  it('reads the history of what each service keeps', async () => {
    for (const type of ['unit', 'branch', 'member', 'course', 'competition', 'mentor-assignment', 'rating', 'commendation', 'support-visit']) expect(await failures(EntityParams, { type, id: 'x-1' })).toEqual([]);
    expect(await failures(EntityParams, { type: 'payslip', id: 'x-1' })).toEqual(['type']);
  });
});
