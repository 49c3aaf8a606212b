import { ForbiddenException, Injectable } from '@nestjs/common';
import { Actor, Clock } from '@register/service-kit';
import { TrainingFacts } from './training-facts';

/**
 * What the gateway cannot judge alone: which unit organises a course (or a competition) is training's
 * own fact. A caller scoped to a unit (a unit officer, a scoped system key) acts on what a unit of
 * its subtree organises; central administrators and unscoped keys anywhere. The tree is training's
 * replica of organisation's events. Checked before anything is decided, so a refusal appends nothing.
 */
/** Roles that act without a unit: an unscoped system key everywhere its permissions go, an auditor reading. */
const UNSCOPED = ['system-integrator', 'auditor'];

@Injectable()
export class TrainingScope {
  constructor(
    private readonly facts: TrainingFacts,
    private readonly clock: Clock,
  ) {}

  /**
   * A command on what a unit organised (a course's enrolments, attendance, completion; a
   * competition's entries and results): once that unit is closed, the unit open today that took it
   * over acts for it, and the closed unit's officers keep reads only (a black-box probe saw a merged
   * commune's officer complete its course for members now the successor's).
   */
  checkCommand(actor: Actor | undefined, organiserUnitId: string, what: string): void {
    const open = this.facts.openUnitOf(organiserUnitId, this.clock.today());
    if (open === null && actor?.scopeUnitId !== undefined && !actor.roles.includes('central-admin')) {
      throw new ForbiddenException(`${what} was organised by ${organiserUnitId}, closed with no open unit to take it over: the register's administrators act for it`);
    }
    this.check(actor, open ?? organiserUnitId, open ? `${what} (organised by ${organiserUnitId}, closed: now ${open}'s)` : what);
  }

  check(actor: Actor | undefined, organiserUnitId: string, what: string): void {
    if (!actor || actor.roles.includes('central-admin')) return;
    if (actor.scopeUnitId === undefined) {
      // Unscoped: a system's key or an auditor (the gateway has let only the roles the route allows
      // through); a unit officer without a unit has no subtree at all.
      if (actor.roles.some((r) => UNSCOPED.includes(r))) return;
      throw new ForbiddenException(`${what}: the caller has no unit to act in`);
    }
    if (this.facts.unitAncestry(organiserUnitId, this.clock.today()).includes(actor.scopeUnitId)) return;
    throw new ForbiddenException(`${what} is organised outside the caller's scope (${actor.scopeUnitId})`);
  }
}
