import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { Award, competitionStream } from '@register/contracts';
import { Actor, Clock } from '@register/service-kit';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { CommandAnswer, TrainingService } from '../application/training.service';
import { competitionAggregate } from '../domain/competition';
import { announcementDecider, awardDecider, entryDecider } from './competition-decisions';

/** The facts each competition command needs (organiser for scope, members from personnel's events), then the command. */
@Injectable()
export class CompetitionCommands {
  constructor(
    private readonly training: TrainingService,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
    private readonly clock: Clock,
  ) {}

  announce(r: { competitionId: string; organiserUnitId: string; title: string; heldOn: string }, actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    this.scope.check(actor, r.organiserUnitId, `competition ${r.competitionId}`);
    const command = { type: 'AnnounceCompetition' as const, ...r, organiserKnown: this.facts.knowsUnit(r.organiserUnitId), organiserClosedOn: this.facts.unitClosedOn(r.organiserUnitId), organiserEstablishedOn: this.facts.unitEstablishedOn(r.organiserUnitId) };
    return this.training.on(announcementDecider, competitionStream(r.competitionId), r.competitionId, command, ctx);
  }

  async enter(competitionId: string, memberIds: string[], actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    await this.inScope(competitionId, actor);
    const command = { type: 'EnterCompetition' as const, competitionId, memberIds, members: memberIds.map((id) => this.facts.member(id)), on: ctx.effectiveDate };
    return this.training.on(entryDecider, competitionStream(competitionId), competitionId, command, ctx);
  }

  async award(competitionId: string, awards: Award[], actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    await this.inScope(competitionId, actor);
    return this.training.on(awardDecider, competitionStream(competitionId), competitionId, { type: 'AwardCompetition' as const, competitionId, awards, today: this.clock.today(), on: ctx.effectiveDate }, ctx);
  }

  async inScope(competitionId: string, actor: Actor | undefined) {
    const s = await this.training.folded(competitionAggregate, competitionStream(competitionId), 'competition', competitionId, undefined, (c) => c.status !== 'none');
    this.scope.checkCommand(actor, s.organiserUnitId, `competition ${competitionId}`);
    return s;
  }
}
