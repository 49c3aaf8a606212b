import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintToken, MintOptions } from '@register/auth';
import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { API_PREFIX, HttpLimits, httpAdapter, loadConfig, ProblemDetailsFilter, registerValidationPipe, rootModuleOf } from '@register/service-kit';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingReactions } from '../../services/training/src/reactions/training-reactions.service';
import { TrainingModule } from '../../services/training/src/training.module';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { PERSONNEL_LOG, PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read freely in tests
  body: any;
  raw: string;
}

export interface InjectRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | object;
}

export interface GatewayOptions {
  /** Also listen on a loopback port (url): for what fastify.inject does not go through, such as timeouts. */
  listen?: boolean;
  /** Timeouts and the connection cap, over the environment's (REGISTER_HTTP_*). */
  limits?: Partial<HttpLimits>;
  /** More services' modules beside organisation and personnel (the evaluation service, say). */
  modules?: Array<Type<unknown>>;
  /** Keep the data here and leave it on close, to start again on it (a new temporary folder otherwise). */
  dataDir?: string;
}

/**
 * The embedded start as the tests need it: organisation + gateway in one app on PGlite under a
 * temporary DATA_DIR, on createHttpApp's adapter (timeouts, connection cap, body rules,
 * problem+json before routing) and configured like it (prefix, problem+json filter, strict
 * validation) but without the Swagger UI, whose static assets Jest cannot load.
 */
export async function startGateway(options: GatewayOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'register-gateway-'));
  process.env.REGISTER_RELAY = 'off';
  process.env.REGISTER_RATE_PER_SEC ??= '100000';
  process.env.REGISTER_RATE_BURST ??= '100000';
  const config = loadConfig({ REGISTER_MODE: 'embedded', EVENT_STORE: 'pglite', DATA_DIR: dataDir });
  const app = await NestFactory.create<NestFastifyApplication>(rootModuleOf(config, [OrganisationModule, PersonnelModule, EvaluationModule, TrainingModule, ...(options.modules ?? []), GatewayModule]), httpAdapter({ limits: options.limits }), { logger: false });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(registerValidationPipe());
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  let url: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }
  const auth = app.get(AuthService);
  const store = app.get<EventStore>(ORGANISATION_STORE);
  const personnelStore = app.get<EventStore>(PERSONNEL_STORE);
  // The relay is off here: personnel learns organisation's events by this hand-over, as its consumer would.
  const syncPersonnel = handOver(store, app.get(OrganisationReactions));
  const evaluationStore = app.get<EventStore>(EVALUATION_STORE);
  const trainingStore = app.get<EventStore>(TRAINING_STORE);
  // Training learns organisation's events and personnel's as published (personal data sealed) the same way.
  const syncTraining = trainingHandOver(store, app.get<EventStore>(PERSONNEL_LOG), app.get(TrainingReactions), syncPersonnel);
  // Evaluation's replica learns organisation's and personnel's events the same way.
  const syncEvaluation = evaluationHandOver(store, personnelStore, app.get(SubjectsReplica), syncPersonnel);

  const inject = async (r: InjectRequest): Promise<Reply> => {
    const res = await fastify.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload as string });
    let body: unknown;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body, raw: res.body };
  };
  const token = (options: MintOptions) => mintToken(auth.localSecret!, options);
  const bearer = async (options: MintOptions) => ({ authorization: `Bearer ${await token(options)}` });
  const api = (headers: Record<string, string>) => ({
    get: (path: string, extra: Record<string, string> = {}) => inject({ method: 'GET', url: `/${API_PREFIX}${path}`, headers: { ...headers, ...extra } }),
    post: (path: string, body: unknown, extra: Record<string, string> = {}) =>
      inject({ method: 'POST', url: `/${API_PREFIX}${path}`, headers: { 'content-type': 'application/json', ...headers, ...extra }, payload: JSON.stringify(body) }),
  });
  return {
    app,
    /** The loopback address it listens on, with options.listen. */
    url,
    auth,
    store,
    personnelStore,
    syncPersonnel,
    evaluationStore,
    trainingStore,
    syncTraining,
    syncEvaluation,
    inject,
    token,
    bearer,
    api,
    head: async () => (await store.headPosition()) + (await personnelStore.headPosition()) + (await evaluationStore.headPosition()) + (await trainingStore.headPosition()),
    /** Every log's head: a refused call must append to none. */
    heads: async () => `${await store.headPosition()}/${await personnelStore.headPosition()}/${await evaluationStore.headPosition()}/${await trainingStore.headPosition()}`,
    /** Every log's head as a summary's `minPosition` names them (organisation:12,personnel:40,...). */
    minPositions: async () =>
      `organisation:${await store.headPosition()},personnel:${await personnelStore.headPosition()},training:${await trainingStore.headPosition()},evaluation:${await evaluationStore.headPosition()}`,
    close: async () => {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** Hands organisation's new events to personnel's reactions, in log order, as personnel's consumer would. */
export function handOver(organisationLog: EventStore, reactions: OrganisationReactions) {
  let handedOver = 0;
  return async () => {
    for (let page = await organisationLog.readAll(handedOver, 500); page.length > 0; page = await organisationLog.readAll(handedOver, 500)) {
      for (const e of page) {
        await reactions.handle(e);
        handedOver = e.position; // one by one: a failure mid-page hands over the rest only, as a consumer's watermark would
      }
    }
  };
}

/** Hands organisation's, then personnel's, new events to evaluation's replica, in log order, as its consumers would. */
export function evaluationHandOver(organisationLog: EventStore, personnelLog: EventStore, replica: SubjectsReplica, before: () => Promise<void>) {
  const handed = new Map<EventStore, number>();
  const feed = async (log: EventStore, apply: (e: RecordedEvent) => void) => {
    for (let page = await log.readAll(handed.get(log) ?? 0, 500); page.length > 0; page = await log.readAll(handed.get(log) ?? 0, 500)) {
      page.forEach(apply);
      handed.set(log, page[page.length - 1].position);
    }
  };
  return async () => {
    await before();
    await feed(organisationLog, (e) => replica.applyOrganisation(e));
    await feed(personnelLog, (e) => replica.applyPersonnel(e));
  };
}

/** Hands organisation's, then personnel's (sealed, as published), new events to training's reactions, in log order, as its consumers would. */
export function trainingHandOver(organisationLog: EventStore, personnelLog: EventStore, reactions: TrainingReactions, before: () => Promise<void>) {
  const handed = new Map<EventStore, number>();
  const feed = async (log: EventStore) => {
    for (let page = await log.readAll(handed.get(log) ?? 0, 500); page.length > 0; page = await log.readAll(handed.get(log) ?? 0, 500)) {
      for (const e of page) {
        await reactions.handle(e);
        handed.set(log, e.position); // one by one, as above: training's facts keep no ids of their own
      }
    }
  };
  return async () => {
    await before();
    await feed(organisationLog);
    await feed(personnelLog);
  };
}

export const why = (reason = 'thử nghiệm', effectiveDate = '2025-01-01') => ({ reason, effectiveDate });

/**
 * Central → two provinces; Nghệ An → district Quế Phong → communes xa-1, xa-2 with branches;
 * Thanh Hóa → commune xa-9 with branch b-9 (outside every scoped caller's subtree).
 */
export async function seedTree(admin: ReturnType<Gateway['api']>) {
  const units = [
    { id: 'tw', kind: 'central', name: 'Trung ương Đoàn' },
    { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' },
    { id: 'qp', kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: 'na' },
    { id: 'xa-1', kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: 'qp' },
    { id: 'xa-2', kind: 'grassroots', name: 'Đoàn xã Thông Thụ', parentId: 'qp' },
    { id: 'th', kind: 'province', name: 'Tỉnh đoàn Thanh Hóa', parentId: 'tw' },
    { id: 'xa-9', kind: 'grassroots', name: 'Đoàn xã Quảng Phú', parentId: 'th' },
  ];
  for (const u of units) {
    const r = await admin.post('/units', { ...u, ...why('khởi tạo') });
    if (r.status !== 201) throw new Error(`seed unit ${u.id}: ${r.status} ${r.raw}`);
  }
  const branches = [
    { id: 'b-1', parentUnitId: 'xa-1', name: 'Chi đoàn bản Mường Phú' },
    { id: 'b-2', parentUnitId: 'xa-1', name: 'Chi đoàn bản Pục' },
    { id: 'b-3', parentUnitId: 'xa-2', name: 'Chi đoàn bản Na Sành' },
    { id: 'b-9', parentUnitId: 'xa-9', name: 'Chi đoàn thôn Phú Hòa' },
  ];
  for (const b of branches) {
    const r = await admin.post('/branches', { ...b, area: { kind: 'village', name: b.name.replace(/^Chi đoàn (bản|thôn) /, '') }, ...why('khởi tạo') });
    if (r.status !== 201) throw new Error(`seed branch ${b.id}: ${r.status} ${r.raw}`);
  }
}

export const isProblem = (r: Reply) => String(r.headers['content-type'] ?? '').startsWith('application/problem+json') && typeof r.body?.status === 'number' && typeof r.body?.type === 'string';

/** The embedded start with the seeded tree, and a central administrator's client. */
export async function startSeeded(options: GatewayOptions = {}) {
  const gw = await startGateway(options);
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  await seedTree(admin);
  return { gw, admin };
}

/** Sends a write and expects a refusal with `status` as problem+json, both logs unchanged. */
export async function refusedUnchanged(gw: Gateway, status: number, send: () => Promise<Reply>): Promise<Reply> {
  const before = await gw.heads();
  const r = await send();
  expect({ status: r.status, problem: isProblem(r) }).toEqual({ status, problem: true });
  expect(await gw.heads()).toBe(before);
  return r;
}
