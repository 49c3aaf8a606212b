import { Evolver } from '@register/event-sourcing';
import { Award, CompetitionEvent } from '@register/contracts';

/** One competition (hội thi, stream `competition-<id>`): its entrants and, once decided, its awards. */
export interface Competition {
  competitionId: string;
  status: 'none' | 'announced' | 'awarded';
  organiserUnitId: string;
  title: string;
  heldOn: string;
  entrants: string[];
  awards: Award[];
  version: number;
}

export const noCompetition = (): Competition => ({ competitionId: '', status: 'none', organiserUnitId: '', title: '', heldOn: '', entrants: [], awards: [], version: -1 });

export function evolveCompetition(s: Competition, e: CompetitionEvent): Competition {
  const version = s.version + 1;
  switch (e.type) {
    case 'CompetitionAnnounced':
      return { ...s, ...e.data, status: 'announced', version };
    case 'CompetitionEntered':
      return { ...s, entrants: [...s.entrants, ...e.data.memberIds], version };
    case 'CompetitionAwarded':
      return { ...s, status: 'awarded', awards: e.data.awards, version };
  }
}

export const competitionAggregate: Evolver<CompetitionEvent, Competition> = { initialState: noCompetition, evolve: evolveCompetition };
