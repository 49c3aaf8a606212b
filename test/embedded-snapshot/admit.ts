import { Register } from '../scale/embedded-register';

/**
 * Members admitted to a branch of commune c-0 (`label` names the caller: the admin's token and the
 * idempotency keys). Personnel must know the branch (from organisation, over the bus), so a refusal
 * naming it unknown is tried again a few times, as the plan's loader does, until the bus has brought it.
 */
export async function admitWhenKnown(register: Register, label: string, ids: string[], branchId = 'b-0-1'): Promise<void> {
  const headers = { authorization: await register.bearer(`${label}-admin`) };
  for (const id of ids) {
    const body = { id, branchId, fullName: `Đoàn Viên ${id}`, dateOfBirth: '2004-06-15', gender: 'female', admittedOn: '2024-03-26', reason: 'kết nạp', effectiveDate: '2024-03-26', decisionRef: { number: `${id}/QĐ-ĐTN` } };
    const headersOnce = { ...headers, 'idempotency-key': `${label}-admit-${id}` };
    let answer = await register.send('POST', '/members', body, headersOnce);
    for (let attempt = 1; attempt <= 10 && answer.status !== 201 && /not-found|unknown|does not exist/.test(answer.raw); attempt++) {
      await new Promise((r) => setTimeout(r, 20 * attempt));
      answer = await register.send('POST', '/members', body, headersOnce);
    }
    if (answer.status !== 201) throw new Error(`admitting ${id}: ${answer.status} ${answer.raw}`);
  }
}
