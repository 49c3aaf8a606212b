import { DecisionRef, EventMetadata } from '@register/event-sourcing';
import { SealedPersonalData } from '@register/contracts';
import { isSealed } from './sealing';

/**
 * The free text of an event about a member: the reason, the decision's number and issuer (in the
 * metadata, and copied into MemberAdmitted's data), and the text fields of its data that a service
 * names (a commendation's title, a support visit's gift). People write names and birth dates there
 * ("kết nạp Lò Thị Hương, sinh 10/5/2004"), so at rest it is sealed with the member's key, and
 * shredding the key erases it too. Dates, actor, effective date and correlation ids stay in the clear.
 *
 * At rest: `reason` is "[sealed]", each text field of a decision is "[sealed]" (its date stays), so
 * is each named data field holding a string, and `metadata.sealedText` holds the originals, sealed.
 * Opened with the key: the originals. Without it (shredded): "[erased]" in the same places. Events
 * recorded before this existed carry no `sealedText` and are read as they were stored (nothing is upcast).
 */
export const SEALED_TEXT = '[sealed]';
export const ERASED_TEXT = '[erased]';

export interface FreeText {
  reason: string;
  decision?: DecisionRef;
  /** MemberAdmitted's `data.decision`: the same decision, recorded with the admission. */
  dataDecision?: DecisionRef;
  /** The named text fields of the event's data that held a string (absent when none did). */
  fields?: Record<string, string>;
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

const maskFields = (fields: Record<string, string> | undefined, marker: string) => (fields ? Object.fromEntries(Object.keys(fields).map((name) => [name, marker])) : undefined);

/** A decision whose text was erased with its member's key: "[erased]" number and issuer, its date kept (read models clear theirs so). */
export const erasedDecision = (decision: DecisionRef | null | undefined): DecisionRef | null => mask(decision ?? undefined, ERASED_TEXT) ?? null;

function maskAll(text: FreeText, marker: string): FreeText {
  return { reason: marker, decision: mask(text.decision, marker), dataDecision: mask(text.dataDecision, marker), fields: maskFields(text.fields, marker) };
}

/** The strings in these fields of the data, or undefined when none holds one. */
function textFieldsOf(data: Record<string, unknown> | undefined, names: readonly string[]): Record<string, string> | undefined {
  const present = names.filter((name) => typeof data?.[name] === 'string');
  return present.length ? Object.fromEntries(present.map((name) => [name, data![name] as string])) : undefined;
}

function freeTextOf(event: Envelope, textFields: readonly string[] = []): FreeText {
  const data = dataOf(event);
  const fields = textFieldsOf(data, textFields);
  return { reason: event.metadata.reason, decision: event.metadata.decision, dataDecision: data?.decision as DecisionRef | undefined, ...(fields ? { fields } : {}) };
}

/** The event with this free text in place (a field that was absent stays absent). */
function withText<E extends Envelope>(event: E, text: FreeText): E {
  const { decision: _decision, ...metadata } = event.metadata as Metadata;
  const data = dataOf(event);
  return {
    ...event,
    metadata: { ...metadata, reason: text.reason, ...(text.decision ? { decision: text.decision } : {}) },
    ...(data && ('decision' in data || text.fields) ? { data: { ...data, ...('decision' in data ? { decision: text.dataDecision } : {}), ...text.fields } } : {}),
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
export function sealFreeText<E extends Envelope>(event: E, seal: ((text: FreeText) => SealedPersonalData) | undefined, textFields: readonly string[] = []): E {
  if (sealedTextOf(event)) return event;
  const text = freeTextOf(event, textFields);
  if (!seal) return withText(event, maskAll(text, ERASED_TEXT));
  const stored = withText(event, maskAll(text, SEALED_TEXT));
  return { ...stored, metadata: { ...stored.metadata, sealedText: seal(text) } };
}

/** The event as readers see it: its free text opened by `open`, or "[erased]" when `open` finds no key. */
export function openFreeText<E extends Envelope>(event: E, open: (sealed: SealedPersonalData) => FreeText | undefined): E {
  const { sealedText, ...metadata } = event.metadata as Metadata;
  if (!isSealed(sealedText)) return event;
  const bare = { ...event, metadata };
  const opened = open(sealedText);
  if (opened) return withText(bare, opened);
  // The fields sealed are the ones "[sealed]" marks in the data (a shredded key leaves no list of them).
  const sealedFields = Object.keys(dataOf(bare) ?? {}).filter((name) => name !== 'decision' && dataOf(bare)![name] === SEALED_TEXT);
  return withText(bare, maskAll(freeTextOf(bare, sealedFields), ERASED_TEXT));
}
