import { ForbiddenException, Injectable } from '@nestjs/common';
import { Actor } from '@register/service-kit';
import { TrainingFacts } from './training-facts';

/**
 * What the gateway cannot judge alone: which unit organises a course (or a competition) is training's
 * own fact. A caller scoped to a unit (a unit officer, a scoped system key) acts on what a unit of
 * its subtree organises; central administrators and unscoped keys anywhere. The tree is training's
 * replica of organisation's events. Checked before anything is decided, so a refusal appends nothing.
 */
@Injectable()
export class TrainingScope {
  constructor(private readonly facts: TrainingFacts) {}

  check(actor: Actor | undefined, organiserUnitId: string, what: string): void {
    if (!actor || actor.roles.includes('central-admin') || actor.scopeUnitId === undefined) return;
    if (this.facts.unitAncestry(organiserUnitId).includes(actor.scopeUnitId)) return;
    throw new ForbiddenException(`${what} is organised by unit ${organiserUnitId}, outside the caller's scope (${actor.scopeUnitId})`);
  }
}
