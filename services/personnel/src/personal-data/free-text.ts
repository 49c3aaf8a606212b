import { DecisionRef, EventMetadata } from '@register/event-sourcing';
import { SealedPersonalData } from '@register/contracts';
import { isSealed } from './sealing';

/**
 * The free text of a member's event: the reason, the decision's number and issuer (in the metadata,
 * and copied into MemberAdmitted's data). People write names and birth dates there ("kết nạp Lò
 * Thị Hương, sinh 10/5/2004"), so at rest it is sealed with the member's key, like `personal`, and
 * shredding the key erases it too. Dates, actor, effective date and correlation ids stay in the clear.
 *
 * At rest: `reason` is "[sealed]", each text field of a decision is "[sealed]" (its date stays),
 * and `metadata.sealedText` holds the original, sealed. Opened with the key: the original. Without
 * it (shredded): "[erased]" in the same places. Events recorded before this existed carry no
 * `sealedText` and are read as they were stored (nothing is upcast).
 */
export const SEALED_TEXT = '[sealed]';
export const ERASED_TEXT = '[erased]';

export interface FreeText {
  reason: string;
  decision?: DecisionRef;
  /** MemberAdmitted's `data.decision`: the same decision, recorded with the admission. */
  dataDecision?: DecisionRef;
}

type Metadata = EventMetadata & { sealedText?: SealedPersonalData };
interface Envelope {
  data: unknown;
  metadata: EventMetadata;
}

const dataOf = (event: Envelope) => (event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : undefined);

/** The decision with its text replaced by `marker`; its date is kept. */
function mask(decision: DecisionRef | undefined, marker: string): DecisionRef | undefined {
  if (!decision) return undefined;
  return { number: marker, ...(decision.issuedBy !== undefined ? { issuedBy: marker } : {}), ...(decision.date !== undefined ? { date: decision.date } : {}) };
}

function maskAll(text: FreeText, marker: string): FreeText {
  return { reason: marker, decision: mask(text.decision, marker), dataDecision: mask(text.dataDecision, marker) };
}

function freeTextOf(event: Envelope): FreeText {
  const dataDecision = dataOf(event)?.decision as DecisionRef | undefined;
  return { reason: event.metadata.reason, decision: event.metadata.decision, dataDecision };
}

/** The event with this free text in place (a field that was absent stays absent). */
function withText<E extends Envelope>(event: E, text: FreeText): E {
  const { decision: _decision, ...metadata } = event.metadata as Metadata;
  const data = dataOf(event);
  return {
    ...event,
    metadata: { ...metadata, reason: text.reason, ...(text.decision ? { decision: text.decision } : {}) },
    ...(data && 'decision' in data ? { data: { ...data, decision: text.dataDecision } } : {}),
  };
}

/** The event's free text as sealed at rest, if it was. */
export function sealedTextOf(event: Envelope): SealedPersonalData | undefined {
  const sealed = (event.metadata as Metadata).sealedText;
  return isSealed(sealed) ? sealed : undefined;
}

/**
 * The event as it is stored: its free text sealed by `seal`, or, when the member's key is gone
 * (erased before this event), written as "[erased]": nothing about an erased member is kept in the clear.
 */
export function sealFreeText<E extends Envelope>(event: E, seal: ((text: FreeText) => SealedPersonalData) | undefined): E {
  if (sealedTextOf(event)) return event;
  const text = freeTextOf(event);
  if (!seal) return withText(event, maskAll(text, ERASED_TEXT));
  const stored = withText(event, maskAll(text, SEALED_TEXT));
  return { ...stored, metadata: { ...stored.metadata, sealedText: seal(text) } };
}

/** The event as readers see it: its free text opened by `open`, or "[erased]" when `open` finds no key. */
export function openFreeText<E extends Envelope>(event: E, open: (sealed: SealedPersonalData) => FreeText | undefined): E {
  const { sealedText, ...metadata } = event.metadata as Metadata;
  if (!isSealed(sealedText)) return event;
  const bare = { ...event, metadata };
  return withText(bare, open(sealedText) ?? maskAll(freeTextOf(bare), ERASED_TEXT));
}
