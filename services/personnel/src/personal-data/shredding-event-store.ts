import { AppendOptions, AppendResult, EventHandler, EventStore, EventToAppend, ExpectedRevision, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription } from '@register/event-sourcing';
import { PersonalData } from '@register/contracts';
import { isSealed, KeyVault, sealPersonal, unsealPersonal } from './sealing';

type WithPersonal = { memberId: string; personal?: unknown };
const carriesPersonal = (e: { data: unknown }) => !!e.data && typeof e.data === 'object' && 'personal' in (e.data as object) && 'memberId' in (e.data as object);

/**
 * The personnel log with personal data sealed at rest: on append, every `personal` field is
 * encrypted with its member's key; on read it is opened again, or becomes `null` when the key was
 * shredded. Plain `personal` fields written before sealing existed are read as they are.
 */
export class ShreddingEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly vault: KeyVault,
  ) {}

  async append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, await Promise.all(events.map((e) => this.seal(e))), expected, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return Promise.all((await this.inner.readStream(streamId, options)).map((e) => this.open(e)));
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return Promise.all((await this.inner.readAll(after, limit)).map((e) => this.open(e)));
  }

  subscribe(after: number, handler: EventHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(after, async (e) => handler(await this.open(e)), options);
  }

  findCommand(commandId: string) {
    return this.inner.findCommand(commandId);
  }

  headPosition() {
    return this.inner.headPosition();
  }

  close() {
    return this.inner.close();
  }

  private async seal<E extends EventToAppend>(event: E): Promise<E> {
    if (!carriesPersonal(event)) return event;
    const data = event.data as WithPersonal;
    if (!data.personal || isSealed(data.personal)) return event;
    const key = await this.vault.keyFor(data.memberId);
    return { ...event, data: { ...data, personal: key ? sealPersonal(data.memberId, data.personal as PersonalData, key) : null } };
  }

  private async open<E extends RecordedEvent>(event: E): Promise<E> {
    if (!carriesPersonal(event)) return event;
    const data = event.data as WithPersonal;
    if (!isSealed(data.personal)) return event;
    const key = await this.vault.find(data.personal.keyId);
    let personal: PersonalData | null = null;
    if (key) {
      try {
        personal = unsealPersonal(data.personal, key);
      } catch {
        personal = null;
      }
    }
    return { ...event, data: { ...data, personal } };
  }
}
