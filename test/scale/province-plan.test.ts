import { communesOf, provincePlan } from './province-plan';

/** The commands of a plan as text, with the follow-ups the fixed answer `{ id: 'x' }` gives. */
function commands(seed: number, factor: number): string[] {
  const out: string[] = [];
  for (const group of provincePlan({ seed, factor })) for (const c of group) out.push(JSON.stringify([c.step, c.path, c.body, c.then?.({ id: 'x' })]));
  return out;
}

describe('the province plan', () => {
  it('is the same register for the same seed, another for another seed', () => {
    const a = commands(7, 0.02);
    expect(commands(7, 0.02)).toEqual(a);
    expect(commands(8, 0.02)).not.toEqual(a);
  });

  it('numbers its commands 0, 1, 2… so that each has its own idempotency key', () => {
    const steps = commands(1, 0.02).map((c) => JSON.parse(c)[0]);
    expect(steps).toEqual(steps.map((_, i) => i));
  });

  it('has the shape of ../shared/domain.md at factor 1: ~100 communes, 3,000 branches, ~200,000 members, ~1.5 M commands', () => {
    const count = { units: 0, branches: 0, members: 0, commands: 0, mergers: 0 };
    for (const group of provincePlan({ seed: 1, factor: 1 })) {
      for (const c of group) {
        count.commands++;
        if (c.path === '/units') count.units++;
        if (c.path === '/branches') count.branches++;
        if (c.path === '/members') count.members++;
        if (c.path.endsWith('-mergers')) count.mergers++;
      }
    }
    expect(communesOf(1)).toBe(100);
    expect(count.units).toBe(102);
    expect(count.branches).toBe(3000);
    expect(count.members).toBeGreaterThan(190_000);
    expect(count.members).toBeLessThan(230_000);
    expect(count.commands).toBeGreaterThan(1_200_000);
    expect(count.commands).toBeLessThan(1_800_000);
    expect(count.mergers).toBe(201);
  });

  it('in batches, admits the same members, sends the same ratings and status changes and every other command the same, in batches of at most the size asked', () => {
    const flat = (batch?: number) => {
      const ratings: unknown[] = [];
      const members: unknown[] = [];
      const changes: unknown[] = [];
      const others: unknown[] = [];
      let largest = 0;
      for (const group of provincePlan({ seed: 5, factor: 0.02, batch })) {
        for (const c of group) {
          if (c.path === '/rating-batches') {
            const { ratings: items, ...why } = c.body as { ratings: object[] };
            largest = Math.max(largest, items.length);
            ratings.push(...items.map((r) => ({ ...r, ...why })));
          } else if (c.path === '/admission-batches') {
            const { members: items, decisionRef, ...why } = c.body as { members: object[]; decisionRef: unknown };
            largest = Math.max(largest, items.length);
            members.push(...items.map((m) => ({ ...m, ...why, decisionRef: decisionRef && '(the batch\'s)' })));
          } else if (c.path === '/status-change-batches') {
            const items = (c.body as { changes: object[] }).changes;
            largest = Math.max(largest, items.length);
            changes.push(...items);
          } else if (/^\/members\/[^/]+\/status-changes$/.test(c.path)) {
            changes.push({ memberId: c.path.split('/')[2], status: c.body.status, effectiveDate: c.body.effectiveDate });
          } else if (c.path === '/ratings') ratings.push(c.body);
          else if (c.path === '/members') members.push({ ...c.body, decisionRef: c.body.decisionRef && '(the batch\'s)' });
          else others.push([c.path, c.body]);
        }
      }
      return { ratings, members, changes, others, largest };
    };
    const single = flat();
    const batched = flat(250);
    expect(batched.ratings).toEqual(single.ratings);
    expect(batched.members).toEqual(single.members);
    expect(batched.changes).toEqual(single.changes);
    expect(batched.others).toEqual(single.others);
    expect(batched.largest).toBe(250);
    expect(single.ratings.length).toBeGreaterThan(10_000);
    expect(single.members.length).toBeGreaterThan(4_000);
    expect(single.changes.length).toBeGreaterThan(1_500);
  });
});
