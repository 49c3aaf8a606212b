import { AppendOptions, AppendResult, EventHandler, EventStore, EventToAppend, ExpectedRevision, mapPages, ReadAllOptions, ReadStreamOptions, readStreamsOf, RecordedEvent, SubscribeOptions, Subscription } from '@register/event-sourcing';
import { PersonalData, SealedPersonalData } from '@register/contracts';
import { FreeText, openFreeText, sealedTextOf, sealFreeText } from './free-text';
import { isSealed, KeyVault, sealJson, sealPersonal, unsealJson, unsealPersonal } from './sealing';

type WithPersonal = { memberId: string; personal?: unknown };

/** Which events a service seals, under whose key, and which of their data's fields are free text. */
export interface SealingPolicy {
  /** The member an event is about, whose key seals its free text; undefined for an event about no one member. */
  keyOf(event: { type: string; data: unknown }): string | undefined;
  /**
   * The members an event names when it may name several (an enrolment of a class): its text is
   * sealed under that member's key when it names one, and under a key of the event's own, linked to
   * each, when it names more; erasing any of them shreds it. Undefined: the event is one `keyOf` seals.
   */
  membersOf?(event: { type: string; data: unknown }): readonly string[] | undefined;
  /** Fields of the data holding free text about that member, sealed with the reason. */
  textFields?: readonly string[];
  /** `data.personal` is sealed apart (personnel's admissions and corrections), so that it opens alone. */
  sealsPersonal?: boolean;
}

/** The member named by `data.memberId`. */
export const memberIdOf = (e: { data: unknown }): string | undefined => {
  const memberId = e.data && typeof e.data === 'object' ? (e.data as { memberId?: unknown }).memberId : undefined;
  return typeof memberId === 'string' ? memberId : undefined;
};

/** The key of an event's text that names several members (see SealingPolicy.membersOf), and the event a key id names, if it is one. */
export const sharedTextKey = (eventId: string) => `event:${eventId}`;
export const eventOfSharedKey = (keyId: string): string | undefined => (keyId.startsWith('event:') ? keyId.slice('event:'.length) : undefined);

/** Personnel's: every event naming a member, its `personal` sealed apart. */
export const MEMBER_EVENTS: SealingPolicy = { keyOf: memberIdOf, sealsPersonal: true };

/** The contents of a sealed value, or undefined when the key is gone (or the value was tampered with). */
function opened<T>(sealed: SealedPersonalData, key: Buffer | undefined, unseal: (s: SealedPersonalData, k: Buffer) => T): T | undefined {
  if (!key) return undefined;
  const known = openedBefore.get(sealed);
  if (known !== undefined) return known as T;
  try {
    const value = unseal(sealed, key);
    openedBefore.set(sealed, value);
    return value;
  } catch {
    return undefined;
  }
}

/**
 * What a sealed value held, by the sealed object read: the log hands the one event it appended to
 * every subscriber (each projection, the relay's readers), which opened it once each, most of the
 * loading's sealing cost (docs/architecture-notes.md). Asked only once the key is found, so a
 * shredded key still opens nothing; gone with the event object.
 */
const openedBefore = new WeakMap<object, unknown>();

/** One sealed `personal` opened with its member's key; null once the key is shredded, as a read of its event gives it. */
export async function openPersonal(sealed: SealedPersonalData, vault: Pick<KeyVault, 'find'>): Promise<PersonalData | null> {
  return opened(sealed, await vault.find(sealed.keyId), unsealPersonal) ?? null;
}

export interface ShreddingOptions {
  /** False: `personal` stays sealed on read (a reader that needs the reasons, not the names). */
  openPersonal?: boolean;
  /** What is sealed; personnel's MEMBER_EVENTS unless given. */
  policy?: SealingPolicy;
}

/**
 * A service's log with what identifies a member sealed at rest: on append, the free text of every
 * event about a member (reason, decision, the policy's text fields; see free-text.ts) and, in
 * personnel, every `personal` field are encrypted with that member's key; on read they are opened
 * again, or read as `null` and "[erased]" once the key was shredded. What was written before sealing
 * existed is read as it is.
 */
export class ShreddingEventStore implements EventStore {
  private readonly policy: SealingPolicy;

  constructor(
    private readonly inner: EventStore,
    private readonly vault: KeyVault,
    private readonly options: ShreddingOptions = {},
  ) {
    this.policy = options.policy ?? MEMBER_EVENTS;
  }

  private carriesPersonal(e: { type: string; data: unknown }): boolean {
    return !!this.policy.sealsPersonal && memberIdOf(e) !== undefined && 'personal' in (e.data as object);
  }

  async append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, await Promise.all(events.map((e) => this.seal(e))), expected, options);
  }

  /** The inner store's multi-stream append, each event sealed as `append` seals it; none where it has none. */
  get appendMany(): EventStore['appendMany'] {
    const inner = this.inner.appendMany?.bind(this.inner);
    if (!inner) return undefined;
    return async (appends) => inner(await Promise.all(appends.map(async (a) => ({ ...a, events: await Promise.all(a.events.map((e) => this.seal(e))) }))));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  async readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(after, limit, options));
  }

  /** The inner store's pages read ahead (a long catch-up on PostgreSQL), opened; none where it has none. */
  get readPages(): EventStore['readPages'] {
    const inner = this.inner.readPages?.bind(this.inner);
    if (!inner) return undefined;
    return (after, pageSize, until, options) => mapPages(inner(after, pageSize, until, options), (page) => this.openAll(page));
  }

  async readStreams(streamIds: readonly string[]): Promise<RecordedEvent[]> {
    return this.openAll(await readStreamsOf(this.inner, streamIds));
  }

  /** Each event opened, but those of types the subscriber says it does not act on (options.types), handed over as stored. */
  subscribe(after: number, handler: EventHandler, options?: SubscribeOptions): Subscription {
    const acted = options?.types && new Set(options.types);
    return this.inner.subscribe(after, async (e) => handler(acted && !acted.has(e.type) ? e : await this.open(e, (id) => this.vault.find(id))), options);
  }

  findCommand(command: Parameters<EventStore['findCommand']>[0]) {
    return this.inner.findCommand(command);
  }

  get findCommands(): EventStore['findCommands'] {
    return this.inner.findCommands?.bind(this.inner);
  }
  get recordCommand(): EventStore['recordCommand'] {
    return this.inner.recordCommand?.bind(this.inner);
  }

  headPosition() {
    return this.inner.headPosition();
  }

  close() {
    return this.inner.close();
  }

  private async seal<E extends EventToAppend>(event: E): Promise<E> {
    const members = this.policy.membersOf?.(event);
    if (members !== undefined && members.length !== 1) return this.sealShared(event, members);
    const memberId = members?.[0] ?? this.policy.keyOf(event);
    if (!memberId) return event;
    const key = await this.vault.keyFor(memberId);
    const data = event.data as WithPersonal;
    const sealed = this.carriesPersonal(event) && data.personal && !isSealed(data.personal) ? { ...event, data: { ...data, personal: key ? sealPersonal(memberId, data.personal as PersonalData, key) : null } } : event;
    return sealFreeText(sealed, key && ((text: FreeText) => sealJson(memberId, text, key)), this.policy.textFields);
  }

  /**
   * An event about a member written before this service sealed its text (stored in the clear), whose
   * key has since been shredded: read as it would have been stored after the erasure. The log keeps
   * the text; every read through this store, the read models' rebuilds included, does not show it.
   */
  private async erasedBeforeSealing(event: RecordedEvent): Promise<boolean> {
    const members = this.policy.membersOf?.(event);
    if (members !== undefined) return this.anyShredded(members);
    const keyId = this.policy.keyOf(event);
    return keyId !== undefined && (await this.vault.isShredded(keyId));
  }

  private asErased<E extends RecordedEvent>(event: E): E {
    const data = event.data as WithPersonal;
    const bare = this.carriesPersonal(event) && data.personal && !isSealed(data.personal) ? { ...event, data: { ...data, personal: null } } : event;
    return sealFreeText(bare, undefined, this.policy.textFields);
  }

  /**
   * An event naming several members: its text under a key of its own (`event:<id>`), linked to each
   * of them; written "[erased]" when one of them is erased already (before the key is made, or while
   * it was being made: the erasure then found no link to shred). Naming no one, it is left clear.
   */
  private async sealShared<E extends EventToAppend>(event: E, members: readonly string[]): Promise<E> {
    if (members.length === 0) return event;
    const erased = () => sealFreeText(event, undefined, this.policy.textFields);
    if (await this.anyShredded(members)) return erased();
    const keyId = sharedTextKey(event.eventId);
    const key = await this.vault.keyFor(keyId, members);
    if (!key || (await this.anyShredded(members))) return erased();
    return sealFreeText(event, (text: FreeText) => sealJson(keyId, text, key), this.policy.textFields);
  }

  private async anyShredded(members: readonly string[]): Promise<boolean> {
    return (await Promise.all(members.map((m) => this.vault.isShredded(m)))).some(Boolean);
  }

  /** A page of events, each member's key looked up once. */
  private openAll<E extends RecordedEvent>(events: E[]): Promise<E[]> {
    const keys = new Map<string, Promise<Buffer | undefined>>();
    const find = (keyId: string) => keys.get(keyId) ?? keys.set(keyId, this.vault.find(keyId)).get(keyId)!;
    return Promise.all(events.map((e) => this.open(e, find)));
  }

  private async open<E extends RecordedEvent>(event: E, find: (keyId: string) => Promise<Buffer | undefined>): Promise<E> {
    let out = event;
    const sealedText = sealedTextOf(out);
    if (sealedText) {
      const key = await find(sealedText.keyId);
      out = openFreeText(out, (sealed) => opened(sealed, key, unsealJson) as FreeText | undefined);
    } else if (await this.erasedBeforeSealing(out)) {
      return this.asErased(out);
    }
    const data = out.data as WithPersonal;
    if (this.options.openPersonal === false || !this.carriesPersonal(out) || !isSealed(data.personal)) return out;
    const personal = opened(data.personal, await find(data.personal.keyId), unsealPersonal) ?? null;
    return { ...out, data: { ...data, personal } };
  }
}
