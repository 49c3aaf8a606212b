/**
 * The event log's schema, shared by PostgreSQL and PGlite (the same SQL runs on both).
 *
 * THE ORDERING TRAP, AND HOW WE AVOID IT. A plain sequence hands out positions when rows are
 * inserted, not when they commit: writer A takes 41, writer B takes 42 and commits first, a
 * reader sees 42, moves its checkpoint past 41, and never sees A's event when A commits.
 * We close that window by taking a transaction-scoped advisory lock (`append_lock`) just before
 * the positions are drawn, and holding it until commit: PostgreSQL makes a transaction visible
 * before it releases its locks, so when position N is visible every lower position is either
 * visible or rolled back (a gap that stays a gap). Readers can then trust position order, with
 * no gap timeouts or high-water marks. The price is that appends to the log serialize for the
 * short span from drawing positions to commit; checking the expected revision happens before the
 * lock, so a conflicting writer fails without waiting. The whole append is one function call,
 * one round trip.
 */
export const APPEND_LOCK_KEY = 7_360_326; // any constant; 26 March is the union's founding day

/** A recorded instant as the log gives it (stored to the millisecond): the text toISOString writes. */
export const ISO_UTC = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The hashes a log's first event chains from: version 1's (zeros) and version 2's (00…02). */
const GENESIS_SQL = `'\\x${'00'.repeat(32)}'::bytea`;
const GENESIS_V2_SQL = `'\\x${'00'.repeat(31)}02'::bytea`;

/**
 * THE HASH CHAIN. Each event's `hash` chains the previous event's hash and the event's entry: its
 * columns as stored (personal data sealed), written as one JSON array by `event_entry`, so that a
 * verifier hashes exactly the text the database gives (verifier-core.ts). `seq` numbers the chain
 * from 0 and is the event's leaf index in the log's Merkle tree; positions may skip (a rolled-back
 * append), the chain does not. The hashes are drawn under the append lock, inside the append.
 * `chain_version` says how (verifier-core.ts, ChainVersion): 1, SHA-256(prev ‖ entry); 2,
 * SHA-256(0x00 ‖ prev ‖ entry), the event's RFC 9162 leaf hash itself. A new event takes its head's
 * version; an empty log starts in 2, from GENESIS_V2; a log in 1 switches once, at a recorded event
 * (start_chain_version_2), and its events before keep their version-1 hashes.
 */
const hashChainSql = (schema: string) => `
alter table ${schema}.events add column if not exists seq bigint;
alter table ${schema}.events add column if not exists prev_hash bytea;
alter table ${schema}.events add column if not exists hash bytea;
alter table ${schema}.events add column if not exists chain_version smallint not null default 1;
create index if not exists events_unhashed on ${schema}.events (position) where hash is null;
create index if not exists events_seq on ${schema}.events (seq);

-- An entry is the text jsonb_build_array(event id as text, stream, revision, type, schema version,
-- data, metadata, recorded instant as text)::text gives, the chain's first definition. It is written
-- out piece by piece, the very same bytes (entry-text.spec.ts): building the array copied data and
-- metadata once more before writing them, two thirds more work (docs/verifiable-log.md). Stable, as
-- to_json and to_char are: a SQL function claiming no more than its body holds is inlined into the
-- statement that calls it (declared immutable, each call ran a function executor of its own).
create or replace function ${schema}.entry_text(p_event_id uuid, p_stream text, p_revision bigint, p_type text, p_schema_version int, p_data jsonb, p_metadata jsonb, p_recorded text)
returns text language sql stable parallel safe as $entry$
  select '[' || coalesce('"' || p_event_id::text || '"', 'null') || ', ' || coalesce(to_json(p_stream)::text, 'null') || ', '
    || coalesce(p_revision::text, 'null') || ', ' || coalesce(to_json(p_type)::text, 'null') || ', ' || coalesce(p_schema_version::text, 'null') || ', '
    || coalesce(p_data::text, 'null') || ', ' || coalesce(p_metadata::text, 'null') || ', ' || coalesce(to_json(p_recorded)::text, 'null') || ']'
$entry$;
create or replace function ${schema}.event_entry(p_event_id uuid, p_stream text, p_revision bigint, p_type text, p_schema_version int, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz)
returns text language sql stable parallel safe as $entry$
  select ${schema}.entry_text(p_event_id, p_stream, p_revision, p_type, p_schema_version, p_data, p_metadata, ${ISO_UTC('p_recorded_at')})
$entry$;

-- The chain as an aggregate: its first input is the hash to chain from, each next an entry.
create or replace function ${schema}.chain_step(p_hash bytea, p_entry bytea) returns bytea
language sql immutable strict parallel safe as $step$ select sha256(p_hash || p_entry) $step$;
do $chain$ begin
  if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = '${schema}' and p.proname = 'chain') then
    create aggregate ${schema}.chain(bytea) (sfunc = ${schema}.chain_step, stype = bytea);
  end if;
end $chain$;

-- A log written before the chain existed is hashed once, from its first event, under the append
-- lock; the upgrade is then recorded as an event of its own (p_event), which the chain covers too.
create or replace function ${schema}.hash_existing_log(p_stream text, p_event jsonb) returns bigint
language plpgsql set search_path = ${schema} as $upgrade$
declare
  hashed bigint;
begin
  perform pg_advisory_xact_lock(${APPEND_LOCK_KEY});
  if not exists (select 1 from events where hash is null) then return 0; end if;
  -- A chain in version 2 was chained by the append from its start or its switch: never hashed again.
  if (select chain_version from events where seq is not null order by seq desc limit 1) = 2 then return 0; end if;
  with entries as (
    select position, row_number() over (order by position) as ord,
           convert_to(event_entry(event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at), 'UTF8') as entry
    from events
  ), hashes as (
    select position, ord - 1 as seq, chain(link) over (order by ord rows between unbounded preceding and current row) as hash from (
      select null::bigint as position, 0::bigint as ord, ${GENESIS_SQL} as link
      union all select position, ord, entry from entries
    ) links
  ), chained as (
    select position, seq, hash, lag(hash) over (order by seq) as prev_hash from hashes
  )
  update events e set seq = c.seq, prev_hash = c.prev_hash, hash = c.hash from chained c where e.position = c.position;
  get diagnostics hashed = row_count;
  perform record_events(p_stream, -2, jsonb_build_array(p_event || jsonb_build_object('data', coalesce(p_event->'data', '{}'::jsonb) || jsonb_build_object('eventsHashed', hashed))), null, '', null);
  return hashed;
end
$upgrade$;

-- A log in chain version 1 switches to version 2 once, under the append lock: the switch is recorded
-- as an event of its own (p_event), the first hashed the new way. False when there is nothing to switch.
create or replace function ${schema}.start_chain_version_2(p_stream text, p_event jsonb) returns boolean
language plpgsql set search_path = ${schema} as $v2$
begin
  perform pg_advisory_xact_lock(${APPEND_LOCK_KEY});
  if coalesce((select chain_version from events where seq is not null order by seq desc limit 1), 2) = 2 then return false; end if;
  perform record_events(p_stream, -2, jsonb_build_array(p_event), null, '', null, 2::smallint);
  return true;
end
$v2$;
`;

export const schemaSql = (schema: string) => `
create schema if not exists ${schema};

create table if not exists ${schema}.streams (
  stream_id text primary key,
  revision  bigint not null
);

create sequence if not exists ${schema}.event_position;

create table if not exists ${schema}.events (
  position       bigint primary key,
  event_id       uuid not null unique,
  stream_id      text not null,
  revision       bigint not null,
  type           text not null,
  schema_version int not null,
  data           jsonb not null,
  metadata       jsonb not null,
  recorded_at    timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
  unique (stream_id, revision)
);

-- The planner never filters on an event's body: analysing it only cost time, most of an analysis
-- (a sample of wide jsonb values read and compared; docs/scale.md, "The loading's growth found").
do $stats$ begin
  if exists (select 1 from pg_attribute where attrelid = '${schema}.events'::regclass and attname in ('data', 'metadata') and attstattarget is distinct from 0) then
    alter table ${schema}.events alter column data set statistics 0, alter column metadata set statistics 0;
  end if;
end $stats$;

-- A command is its caller's (caller: who sent the Idempotency-Key; '' for the register's own ids).
create table if not exists ${schema}.commands (
  caller      text not null default '',
  command_id  text not null,
  stream_id   text not null,
  revision    bigint not null,
  position    bigint not null,
  fingerprint text,
  constraint commands_pkey primary key (caller, command_id)
);

-- Upgrade in place, once, a log whose commands were keyed by '<caller>:<key>' in command_id alone
-- (issue 14, hole 11). Those rows stay, with caller '': the register's own ids in them still match,
-- callers' keys no longer do (a request now looks up its caller and key apart). Their fingerprints
-- were unkeyed SHA-256 of the request, enough to confirm a guess of erased data: they are dropped.
alter table ${schema}.commands add column if not exists caller text not null default '';
do $upgrade$ begin
  if (select array_length(conkey, 1) from pg_constraint where conrelid = '${schema}.commands'::regclass and contype = 'p') = 1 then
    alter table ${schema}.commands drop constraint commands_pkey;
    alter table ${schema}.commands add constraint commands_pkey primary key (caller, command_id);
    update ${schema}.commands set fingerprint = null where fingerprint is not null;
  end if;
end $upgrade$;
drop function if exists ${schema}.append_events(text, bigint, jsonb, text, text);
drop function if exists ${schema}.append_events(text, bigint, jsonb, text, text, text);
-- The appends are record_events and record_streams. append_events and append_streams, their names
-- before 5 December 2026, answered less, and a function's result cannot be replaced in place: they
-- are left as they are, so that a process of an older version can still open the log and append.
${hashChainSql(schema)}

${appendEventsSql(schema)}

${appendStreamsSql(schema)}
`;

/** The append's insert, hashing each event onto the chain (see hashChainSql). */
const chainedInsert = `  -- The chain's head is read under the lock, so each event's hash covers the one committed before it.
  -- Version 2 hashes 0x00 ‖ prev ‖ entry (hash_lead is 0x00), version 1 prev ‖ entry (hash_lead empty).
  if n = 1 then
    -- One event, the most common append: its hash is drawn inside the INSERT, head read included, so
    -- the append runs the same single statement as without the chain (plpgsql pays per statement).
    insert into events (position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at, seq, prev_hash, hash, chain_version)
    select nextval('event_position'), (e->>'eventId')::uuid, p_stream, current_revision + 1, e->>'type', (e->>'schemaVersion')::int,
           e->'data', e->'metadata', ev.at, coalesce(head.seq, -1) + 1, head.hash,
           sha256(head.hash_lead || head.hash || convert_to(event_entry((e->>'eventId')::uuid, p_stream, current_revision + 1, e->>'type',
             (e->>'schemaVersion')::int, e->'data', e->'metadata', ev.at), 'UTF8')), head.version
    from (select p_events->0 as e, date_trunc('milliseconds', clock_timestamp()) as at) ev,
         (select coalesce(p_chain_version, last.chain_version, 2)::smallint as version, last.seq,
                 case when coalesce(p_chain_version, last.chain_version, 2) = 2 then '\\x00'::bytea else '\\x'::bytea end as hash_lead,
                 coalesce(last.hash, case when coalesce(p_chain_version, last.chain_version, 2) = 2 then ${GENESIS_V2_SQL} else ${GENESIS_SQL} end) as hash
            from (select 1) always left join (select hash, seq, chain_version from events order by position desc limit 1) last on true) head
    returning position, seq, ${ISO_UTC('recorded_at')} into first_position, first_seq, recorded;
  else
    -- Several events: their entries are drawn in one statement; each hash depends on the one before,
    -- so a loop of one plain expression per event chains them (a window aggregate cost more, its step
    -- being a function call per event), and one INSERT writes them. hashes[0] is the head's.
    select hash, seq, chain_version into head_hash, head_seq, chain_v from events order by position desc limit 1;
    -- One recording instant for the append, taken under the lock: one transaction records its events together.
    appended_at := date_trunc('milliseconds', clock_timestamp());
    recorded := ${ISO_UTC('appended_at')};
    chain_v := coalesce(p_chain_version, chain_v, 2);
    hash_lead := case when chain_v = 2 then '\\x00'::bytea else '\\x'::bytea end;
    select array_agg(convert_to(entry_text((e->>'eventId')::uuid, p_stream, current_revision + ord, e->>'type', (e->>'schemaVersion')::int,
             e->'data', e->'metadata', recorded), 'UTF8') order by ord)
      into entries
      from jsonb_array_elements(p_events) with ordinality as t(e, ord);
    hashes[0] := coalesce(head_hash, case when chain_v = 2 then ${GENESIS_V2_SQL} else ${GENESIS_SQL} end);
    for i in 1 .. n loop
      hashes[i] := sha256(hash_lead || hashes[i - 1] || entries[i]);
    end loop;
    with inserted as (
      insert into events (position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at, seq, prev_hash, hash, chain_version)
      select nextval('event_position'), (e->>'eventId')::uuid, p_stream, current_revision + ord, e->>'type', (e->>'schemaVersion')::int,
             e->'data', e->'metadata', appended_at, coalesce(head_seq, -1) + ord, hashes[ord - 1], hashes[ord], chain_v
      from jsonb_array_elements(p_events) with ordinality as t(e, ord) order by ord
      returning position, seq)
    select min(position), min(seq) into first_position, first_seq from inserted;
  end if;
`;

/**
 * The insert without the chain: only for bench:store, to measure what the chain costs. It answers the
 * first position and recording instant as the chained insert does (no seq: the store keeps nothing), so
 * that the two differ by the chain alone.
 */
const plainInsert = `  with inserted as (
    insert into events (position, event_id, stream_id, revision, type, schema_version, data, metadata)
    select nextval('event_position'), (e->>'eventId')::uuid, p_stream, current_revision + ord, e->>'type',
           (e->>'schemaVersion')::int, e->'data', e->'metadata'
    from jsonb_array_elements(p_events) with ordinality as t(e, ord) order by ord
    returning position, recorded_at)
  select min(position), ${ISO_UTC('min(recorded_at)')} into first_position, recorded from inserted;
`;

/**
 * The append function. `chained: false` is for bench:store alone, which installs it in a schema of
 * its own to measure the append with and without the hash chain in the same run.
 */
export const appendEventsSql = (schema: string, { chained = true } = {}) => `
-- p_expected: -2 any, -1 no stream, n the revision of the stream's last event.
-- p_chain_version: the chain version to hash in (start_chain_version_2 alone gives it); null, the head's.
create or replace function ${schema}.record_events(p_stream text, p_expected bigint, p_events jsonb, p_command_id text, p_caller text, p_fingerprint text,
  p_chain_version smallint default null)
returns table (out_revision bigint, out_position bigint, out_first_seq bigint, out_first_position bigint, out_recorded text)
language plpgsql set search_path = ${schema} as $fn$
declare
  n bigint := jsonb_array_length(p_events);
  first_seq bigint;
  first_position bigint;
  recorded text;
  current_revision bigint;
  last_position bigint;
  head_hash bytea;
  head_seq bigint;
  chain_v smallint;
  hash_lead bytea;
  entries bytea[];
  hashes bytea[];
  appended_at timestamptz;
begin
  -- One statement claims the stream row and checks the expected revision (plpgsql pays per
  -- statement); a writer that lost the race waits on the row lock, then finds the revision moved.
  if p_expected >= 0 then
    update streams set revision = revision + n where stream_id = p_stream and revision = p_expected
      returning p_expected into current_revision;
  elsif p_expected = -1 then
    insert into streams (stream_id, revision) values (p_stream, n - 1) on conflict do nothing
      returning -1 into current_revision;
  else
    insert into streams as s (stream_id, revision) values (p_stream, n - 1)
      on conflict (stream_id) do update set revision = s.revision + n
      returning s.revision - n into current_revision;
  end if;
  if current_revision is null then
    select revision into current_revision from streams where stream_id = p_stream;
    raise exception 'stream % is at revision %, expected %', p_stream, coalesce(current_revision, -1), p_expected
      using errcode = 'RG409', detail = coalesce(current_revision, -1)::text;
  end if;
  perform pg_advisory_xact_lock(${APPEND_LOCK_KEY});
${chained ? chainedInsert : plainInsert}  last_position := currval('event_position');
  current_revision := current_revision + n;
  if p_command_id is not null then
    insert into commands (caller, command_id, stream_id, revision, position, fingerprint)
    values (p_caller, p_command_id, p_stream, current_revision, last_position, p_fingerprint);
  end if;
  perform pg_notify('${schema}_appended', last_position::text);
  return query select current_revision, last_position, first_seq, first_position, recorded;
end
$fn$;
`;

/**
 * Several streams' appends in one statement, all or none (SqlEventStore.appendMany): each stream
 * claimed at its expected revision (a number, or -1 for a new stream), every event's entry drawn in
 * one statement and chained in one loop, one INSERT of the events and one of the commands. A call of
 * record_events per stream in one transaction cost ~4 times as much per event (each call runs its
 * statements apart; docs/scale.md). A stream that moved answers RG409 for the whole batch, naming no
 * stream: the caller appends item by item to learn which.
 */
const appendStreamsSql = (schema: string) => `
create or replace function ${schema}.record_streams(p_appends jsonb)
returns table (out_stream text, out_revision bigint, out_position bigint, out_first_seq bigint, out_first_position bigint, out_recorded text)
language plpgsql set search_path = ${schema} as $fn$
declare
  wanted int := jsonb_array_length(p_appends);
  claimed int;
  total int;
  head_hash bytea;
  head_seq bigint;
  chain_v smallint;
  hash_lead bytea;
  entries bytea[];
  hashes bytea[];
  appended_at timestamptz;
  recorded text;
begin
  with a as (select x->>'stream' as stream_id, (x->>'expected')::bigint as expected, jsonb_array_length(x->'events')::bigint as n
               from jsonb_array_elements(p_appends) as t(x)),
       moved as (update streams s set revision = s.revision + a.n from a
                  where a.expected >= 0 and s.stream_id = a.stream_id and s.revision = a.expected returning 1),
       created as (insert into streams (stream_id, revision) select stream_id, n - 1 from a where expected = -1
                  on conflict do nothing returning 1)
  select (select count(*) from moved) + (select count(*) from created) into claimed;
  if claimed <> wanted then
    raise exception 'of % streams, % were at their expected revision', wanted, claimed
      using errcode = 'RG409', detail = 'batch';
  end if;
  perform pg_advisory_xact_lock(${APPEND_LOCK_KEY});
  select hash, seq, chain_version into head_hash, head_seq, chain_v from events order by position desc limit 1;
  appended_at := date_trunc('milliseconds', clock_timestamp());
  recorded := ${ISO_UTC('appended_at')};
  chain_v := coalesce(chain_v, 2);
  hash_lead := case when chain_v = 2 then '\\x00'::bytea else '\\x'::bytea end;
  select array_agg(convert_to(entry_text(eid, stream_id, revision, type, sv, data, md, recorded), 'UTF8') order by ord), count(*)
    into entries, total
    from ${schema}.batch_rows(p_appends, appended_at) ev;
  hashes[0] := coalesce(head_hash, case when chain_v = 2 then ${GENESIS_V2_SQL} else ${GENESIS_SQL} end);
  for i in 1 .. total loop
    hashes[i] := sha256(hash_lead || hashes[i - 1] || entries[i]);
  end loop;
  return query
  with inserted as (
         insert into events (position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at, seq, prev_hash, hash, chain_version)
         select nextval('event_position'), eid, stream_id, revision, type, sv, data, md, at, coalesce(head_seq, -1) + ord, hashes[ord - 1], hashes[ord], chain_v
           from ${schema}.batch_rows(p_appends, appended_at) ev order by ord
         returning stream_id, revision, position, seq),
       last as (select stream_id, max(revision) as revision, max(position) as position from inserted group by stream_id),
       recorded as (
         insert into commands (caller, command_id, stream_id, revision, position, fingerprint)
         select coalesce(x->>'caller', ''), x->>'commandId', last.stream_id, last.revision, last.position, x->>'fingerprint'
           from jsonb_array_elements(p_appends) as t(x) join last on last.stream_id = x->>'stream'
          where x->>'commandId' is not null)
  select last.stream_id, last.revision, last.position, null::bigint, null::bigint, null::text from last
  -- One row more, with no stream: the batch's first seq and position and its instant, for the store's recent appends.
  union all
  select null, null, null, min(seq), min(position), recorded from inserted;
  perform pg_notify('${schema}_appended', currval('event_position')::text);
end
$fn$;

-- The events of a batch in append order (ord from 1), each with its stream's next revision and the
-- batch's recording instant.
create or replace function ${schema}.batch_rows(p_appends jsonb, p_at timestamptz)
returns table (ord bigint, eid uuid, stream_id text, revision bigint, type text, sv int, data jsonb, md jsonb, at timestamptz)
language sql as $fn$
  select row_number() over (order by ao, eo), (e->>'eventId')::uuid, x->>'stream', (x->>'expected')::bigint + eo, e->>'type',
         (e->>'schemaVersion')::int, e->'data', e->'metadata', p_at
    from jsonb_array_elements(p_appends) with ordinality as t(x, ao), jsonb_array_elements(x->'events') with ordinality as u(e, eo)
$fn$;
`;
