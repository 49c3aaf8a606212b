import { Injectable } from '@nestjs/common';
import { TrainingFacts, FactEvent } from '../application/training-facts';

/**
 * What training does with another service's event: learn the fact (TrainingFacts), then carry out
 * what it calls for in training's own log (mentor assignments of an absorbed branch end).
 */
@Injectable()
export class TrainingReactions {
  constructor(private readonly facts: TrainingFacts) {}

  async handle(event: FactEvent): Promise<void> {
    this.facts.apply(event);
  }
}
