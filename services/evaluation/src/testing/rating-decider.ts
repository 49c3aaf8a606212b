import { routedDecider } from '@register/event-sourcing';
import { RatingEvent } from '@register/contracts';
import { Rating, ratingAggregate } from '../domain/rating';
import { decideProposal, decideSettlement, ProposeRatingChange, SettleRatingChange } from '../rating-changes/rating-changes';
import { decideRecording, RecordRating } from '../ratings/record-rating';

export type RatingCommand = RecordRating | ProposeRatingChange | SettleRatingChange;

/** Every decision on a rating in one decider, for specifications only: the service runs each capability's own. */
export const ratingDecider = routedDecider<RatingCommand, RatingEvent, Rating>(ratingAggregate, {
  RecordRating: decideRecording,
  ProposeRatingChange: decideProposal,
  SettleRatingChange: decideSettlement,
});
