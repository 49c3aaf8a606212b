import { ForbiddenException, Injectable } from '@nestjs/common';
import { Actor } from '@register/service-kit';
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
  constructor(private readonly facts: TrainingFacts) {}

  check(actor: Actor | undefined, organiserUnitId: string, what: string): void {
    if (!actor || actor.roles.includes('central-admin')) return;
    if (actor.scopeUnitId === undefined) {
      // Unscoped: a system's key or an auditor (the gateway has let only the roles the route allows
      // through); a unit officer without a unit has no subtree at all.
      if (actor.roles.some((r) => UNSCOPED.includes(r))) return;
      throw new ForbiddenException(`${what}: the caller has no unit to act in`);
    }
    if (this.facts.unitAncestry(organiserUnitId).includes(actor.scopeUnitId)) return;
    throw new ForbiddenException(`${what} is organised outside the caller's scope (${actor.scopeUnitId})`);
  }
}
