import { DomainEvent, EventSchemas, Upcaster } from '@register/event-sourcing';
import { PERSONNEL_SCHEMA_VERSIONS } from '@register/contracts';

/**
 * OfficerDeparted 1 → 2. Version 1 offered `resigned` as the one word for leaving of one's own
 * accord, whether to work or study far away, on coming of age or for a post above: the reason was
 * never asked, so it reads `unknown`. Relief, end of term and a reorganisation's causes were exact
 * and stay. The stored event is never rewritten.
 */
export const officerDepartedV1: Upcaster = {
  type: 'OfficerDeparted',
  fromVersion: 1,
  keepsType: true,
  upcast: (e: DomainEvent) => {
    const data = e.data as { cause?: string };
    return { type: e.type, data: { ...data, cause: data.cause === 'resigned' || data.cause === undefined ? 'unknown' : data.cause } };
  },
};

/**
 * MemberTransferred 1 → 2. Version 2 lets `duesSettledUpTo` be null (a transfer that did not say);
 * every version-1 event named a day, and reads as it is. Version-1 events recorded from 5 December
 * 2026 until the version was raised already held null: the shape they have is version 2's.
 */
export const memberTransferredV1: Upcaster = {
  type: 'MemberTransferred',
  fromVersion: 1,
  keepsType: true,
  upcast: (e: DomainEvent) => ({ type: e.type, data: e.data }),
};

/** The personnel log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const personnelSchemas = new EventSchemas(PERSONNEL_SCHEMA_VERSIONS, [officerDepartedV1, memberTransferredV1]);
