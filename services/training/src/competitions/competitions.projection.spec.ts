import { CompetitionEvent, competitionStream } from '@register/contracts';
import { projectLog, recordedFacts } from '@register/read-models';
import { competitionsProjection } from './competitions.projection';

describe('competitions projection', () => {
  it("writes an award's fields in one order, whichever order the log gives them back in (a CSV's cell is the same after a replay)", async () => {
    const events: CompetitionEvent[] = [
      { type: 'CompetitionAnnounced', data: { competitionId: 'k1', organiserUnitId: 'qp', title: 'Hội thi Bí thư giỏi', heldOn: '2025-03-20' } },
      // jsonb gives an object's keys back shortest first: `award` before `memberId`.
      { type: 'CompetitionAwarded', data: { competitionId: 'k1', organiserUnitId: 'qp', heldOn: '2025-03-20', awards: [{ award: 'Giải nhất', memberId: 'm1' } as never] } },
    ];
    const { collection } = await projectLog(competitionsProjection, recordedFacts(events, (e) => competitionStream(e.data.competitionId)));
    const awards = (await collection('competitions').get('k1'))!.awards as object[];
    expect(JSON.stringify(awards)).toBe('[{"memberId":"m1","award":"Giải nhất"}]');
  });
});
