/**
 * All SQL of the ingest capability. Rows are keyed by natural keys, so that replaying a batch
 * (after a crash, or the same file twice) changes nothing, and each write reports per key whether
 * the row was inserted, updated or left unchanged. Containers and events, the bulk of big files,
 * are looked up first: new ones are inserted in bulk (COPY, with ids drawn first), and only
 * known keys with another content hash go through the upsert.
 */
import { type Insertable, type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { BulkSession } from '../db/index.ts';
import type { ContainerEventsTable, DB } from '../db/schema.ts';
import { normalizePartyName, parseSizeType } from '../domain/index.ts';
import { partyKey } from './keys.ts';
import type {
  ConsignmentRecord,
  ContainerEventRecord,
  PartyRecord,
  PortCallRecord,
  Rejection,
} from './records.ts';

type Tx = Transaction<DB>;

export type Change = 'accepted' | 'updated' | 'unchanged';

export interface Keyed<T> {
  key: string;
  hash: string;
  record: T;
  sourceRef: string;
}

export interface FileContext {
  ingestFileId: number;
  fileName: string;
  sha256: string;
  format: string;
}

const ts = (v: string | undefined): string | null => v ?? null;

/**
 * Rows sent as one JSON parameter and expanded by jsonb_to_recordset: one parameter instead of
 * one per value, so a batch of thousands of rows is parsed and planned once (several times
 * faster than a multi-row VALUES list, and free of the 65,535-parameter limit).
 */
function jsonRows(rows: readonly Record<string, unknown>[], types: Record<string, string>) {
  const columns = Object.keys(types);
  return sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
    as x(${sql.raw(columns.map((c) => `${c} ${types[c]}`).join(', '))})`;
}

/**
 * COPY into tables inside the batch's transaction (Database.bulk). New rows go in by COPY on
 * both databases: on the server it takes half the time of an INSERT from one JSON parameter
 * (bench/ingest/RESULTS.md), and PGlite passes large parameters slowly. Absent: statements only.
 */
export type Bulk = Pick<BulkSession, 'copy' | 'embedded'>;

/** Below this many rows the few statements of a COPY cost more than one JSON parameter. */
const COPY_THRESHOLD = 200;

/** One CSV field for COPY: NULL unquoted, text always quoted (so '' stays ''), arrays and JSON as literals. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.indexOf('"') === -1 ? `"${v}"` : `"${v.replaceAll('"', '""')}"`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) {
    const items = v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`);
    return `"{${items.join(',').replaceAll('"', '""')}}"`;
  }
  const json = JSON.stringify(v);
  return json === '{}' ? '{}' : `"${json.replaceAll('"', '""')}"`;
}

/**
 * The rows of a batch as a `select` the upserts read from: a temporary table filled by COPY on
 * the embedded database, else one JSON parameter (server, where parameters are cheap).
 */
async function rowSource(
  trx: Tx,
  name: string,
  rows: readonly Record<string, unknown>[],
  types: Record<string, string>,
  bulk: Bulk | undefined,
) {
  if (!bulk?.embedded || rows.length < COPY_THRESHOLD) return jsonRows(rows, types);
  const columns = Object.keys(types);
  const table = `ingest_stage_${name}`;
  await sql
    .raw(
      `create temp table if not exists ${table} (${columns.map((c) => `${c} ${types[c]}`).join(', ')}) on commit delete rows`,
    )
    .execute(trx);
  await sql.raw(`delete from ${table}`).execute(trx);
  await bulk.copy(table, columns, csvText(rows, columns));
  return sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)}`;
}

/** The rows as CSV in `columns` order, each line led by its id when `ids` are given. */
function csvText(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  ids?: readonly number[],
): string {
  const lines: string[] = new Array(rows.length);
  const n = columns.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let line = ids ? `${ids[r]},${csvField(row[columns[0]!])}` : csvField(row[columns[0]!]);
    for (let i = 1; i < n; i++) line += `,${csvField(row[columns[i]!])}`;
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

/** Rows already stored under these keys (`column` = any of `keys`). */
async function existingRows<R>(
  trx: Tx,
  table: 'containers' | 'container_events',
  column: string,
  keys: string[],
  select: string,
  bulk: Bulk | undefined,
): Promise<R[]> {
  if (!bulk?.embedded || keys.length < COPY_THRESHOLD) {
    const found = await sql<R>`select ${sql.raw(select)} from ${sql.table(table)} t
      where t.${sql.ref(column)} = any(${keys}::text[])`.execute(trx);
    return found.rows;
  }
  const source = await rowSource(
    trx,
    `${table}_keys`,
    keys.map((k) => ({ k })),
    { k: 'text' },
    bulk,
  );
  const found = await sql<R>`select ${sql.raw(select)} from ${sql.table(table)} t
    where t.${sql.ref(column)} in (select k from (${source}) as keys)`.execute(trx);
  return found.rows;
}

/**
 * `n` new ids from the table's sequence. On the embedded database one block in one step (drawing
 * them one nextval at a time cost about 18 ms per 2,000 rows there, a sixth of the whole store):
 * safe only because nothing else can draw from the sequence between the two calls, as the
 * embedded database has one session and this transaction holds it. On a server, one nextval each.
 */
async function drawIds(
  trx: Tx,
  table: 'containers' | 'container_events',
  n: number,
  bulk: Bulk,
): Promise<number[]> {
  // The sequence named once, as a regclass (the bigserial's own name): on a server
  // `nextval(pg_get_serial_sequence(...))` per row looked it up again for every row, three times
  // the cost of the draw itself.
  const sequence = `${table}_id_seq`;
  if (bulk.embedded) {
    const drawn = await sql<{ last: number }>`select setval(${sequence}::regclass,
        nextval(${sequence}::regclass) + ${n - 1}) as last`.execute(trx);
    const first = Number(drawn.rows[0]!.last) - n + 1;
    return Array.from({ length: n }, (_, i) => first + i);
  }
  const drawn = await sql<{ id: number }>`select nextval(${sequence}::regclass) as id
    from generate_series(1, ${n}::int)`.execute(trx);
  return drawn.rows.map((r) => Number(r.id));
}

/**
 * Inserts rows known to be new (no conflict expected) and returns their ids by key: many rows
 * with ids drawn from the table's sequence and COPY'd straight into the table, a few by one
 * INSERT ... SELECT. A row inserted meanwhile by another session makes this fail with a unique
 * violation, and the caller retries the batch (see storeBatch).
 */
async function insertNew(
  trx: Tx,
  table: 'containers' | 'container_events',
  key: 'container_number' | 'event_key',
  rows: Record<string, unknown>[],
  types: Record<string, string>,
  bulk: Bulk | undefined,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  const columns = Object.keys(types);
  if (bulk && rows.length >= COPY_THRESHOLD) {
    const drawn = await drawIds(trx, table, rows.length, bulk);
    await bulk.copy(table, ['id', ...columns], csvText(rows, columns, drawn));
    for (let i = 0; i < rows.length; i++) ids.set(rows[i]![key] as string, drawn[i]!);
    return ids;
  }
  const inserted = await sql<Record<string, string | number>>`insert into ${sql.table(table)}
    (${sql.join(columns.map((c) => sql.ref(c)))}) ${jsonRows(rows, types)}
    returning id, ${sql.ref(key)}`.execute(trx);
  for (const r of inserted.rows) ids.set(r[key] as string, Number(r.id));
  return ids;
}

const eventColumnTypes = {
  event_key: 'text',
  container_id: 'bigint',
  container_number: 'text',
  event_type: 'text',
  occurred_at: 'timestamptz',
  place_locode: 'text',
  place_detail: 'text',
  seals: 'text[]',
  full_empty: 'text',
  haulier: 'text',
  vessel_imo: 'text',
  vessel_name: 'text',
  voyage: 'text',
  verified_gross_mass_kg: 'numeric',
  status_code: 'text',
  port_of_loading: 'text',
  port_of_discharge: 'text',
  details: 'jsonb',
  source_message_ref: 'text',
  content_hash: 'text',
  ingest_file_id: 'bigint',
} as const;

const containerColumnTypes = {
  container_number: 'text',
  owner_code: 'text',
  size_type: 'text',
  length_ft: 'integer',
  height_code: 'text',
  reefer: 'boolean',
} as const;

const consignmentColumnTypes = {
  consignment_key: 'text',
  transport_document_number: 'text',
  port_call_id: 'bigint',
  port_locode: 'text',
  shipper_id: 'bigint',
  consignee_id: 'bigint',
  notify_party_id: 'bigint',
  forwarder_id: 'bigint',
  consignee_to_order: 'boolean',
  origin_country: 'text',
  place_of_receipt: 'text',
  place_of_loading: 'text',
  place_of_discharge: 'text',
  place_of_delivery: 'text',
  transshipment_ports: 'text[]',
  total_packages: 'integer',
  gross_mass_kg: 'numeric',
  declared_at: 'timestamptz',
  content_hash: 'text',
  source_ref: 'text',
  ingest_file_id: 'bigint',
} as const;

/** PostgreSQL takes at most 65,535 parameters per statement: long row lists go in slices. */
function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Upserts port calls; returns each key's change and id. */
export async function upsertPortCalls(
  trx: Tx,
  file: FileContext,
  calls: Keyed<PortCallRecord>[],
): Promise<Map<string, { id: number; change: Change }>> {
  const out = new Map<string, { id: number; change: Change }>();
  if (calls.length === 0) return out;
  const changed = await trx
    .insertInto('port_calls')
    .values(
      calls.map(({ key, hash, record: p, sourceRef }) => ({
        call_key: key,
        vessel_imo: p.vesselImo ?? null,
        vessel_name: p.vesselName ?? null,
        call_sign: p.callSign ?? null,
        voyage: p.voyage ?? null,
        carrier_code: p.carrierCode ?? null,
        port_locode: p.portLocode,
        eta: ts(p.eta),
        ata: ts(p.ata),
        etd: ts(p.etd),
        previous_ports: p.previousPorts,
        content_hash: hash,
        source_ref: sourceRef,
        ingest_file_id: file.ingestFileId,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('call_key')
        .doUpdateSet((eb) => ({
          vessel_imo: eb.ref('excluded.vessel_imo'),
          vessel_name: eb.ref('excluded.vessel_name'),
          call_sign: eb.ref('excluded.call_sign'),
          voyage: eb.ref('excluded.voyage'),
          carrier_code: eb.ref('excluded.carrier_code'),
          eta: eb.ref('excluded.eta'),
          ata: eb.ref('excluded.ata'),
          etd: eb.ref('excluded.etd'),
          previous_ports: eb.ref('excluded.previous_ports'),
          content_hash: eb.ref('excluded.content_hash'),
          source_ref: eb.ref('excluded.source_ref'),
          ingest_file_id: eb.ref('excluded.ingest_file_id'),
          updated_at: sql`now()`,
        }))
        .whereRef('port_calls.content_hash', '<>', 'excluded.content_hash'),
    )
    .returning(['id', 'call_key', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();
  for (const r of changed) out.set(r.call_key, { id: r.id, change: r.inserted ? 'accepted' : 'updated' });
  const missing = calls.map((c) => c.key).filter((k) => !out.has(k));
  if (missing.length > 0) {
    const rows = await trx
      .selectFrom('port_calls')
      .select(['id', 'call_key'])
      .where('call_key', 'in', missing)
      .execute();
    for (const r of rows) out.set(r.call_key, { id: r.id, change: 'unchanged' });
  }
  return out;
}

/** Inserts unknown parties and fills in fields a party did not have yet; returns ids by party key. */
export async function upsertParties(trx: Tx, parties: PartyRecord[]): Promise<Map<string, number>> {
  const byKey = new Map<string, PartyRecord>();
  for (const p of parties) byKey.set(partyKey(p), p);
  const ids = new Map<string, number>();
  for (const slice of chunks([...byKey], 4000)) await upsertPartySlice(trx, new Map(slice), ids);
  return ids;
}

async function upsertPartySlice(
  trx: Tx,
  byKey: Map<string, PartyRecord>,
  ids: Map<string, number>,
): Promise<void> {
  await trx
    .insertInto('parties')
    .values(
      [...byKey].map(([key, p]) => ({
        party_key: key,
        name: p.name,
        name_normalized: normalizePartyName(p.name),
        street: p.street ?? null,
        city: p.city ?? null,
        postcode: p.postcode ?? null,
        country: p.country ?? null,
        eori: p.eori ?? null,
        identifiers: JSON.stringify(p.identifiers),
      })),
    )
    .onConflict((oc) => oc.column('party_key').doNothing())
    .execute();
  const rows = await trx
    .selectFrom('parties')
    .select(['id', 'party_key'])
    .where('party_key', 'in', [...byKey.keys()])
    .execute();
  for (const r of rows) ids.set(r.party_key, r.id);
}

export interface ContainerSighting {
  containerNumber: string;
  sizeType?: string | undefined;
}

export interface StoredContainers {
  /** Ids by container number. */
  ids: Map<string, number>;
  /** The numbers stored for the first time now. */
  inserted: Set<string>;
}

/** Inserts unknown containers (size-type details derived from the code); returns their ids by number. */
export async function upsertContainers(
  trx: Tx,
  sightings: ContainerSighting[],
  bulk?: Bulk,
): Promise<StoredContainers> {
  const byNumber = new Map<string, string | undefined>();
  for (const s of sightings) {
    if (!byNumber.has(s.containerNumber) || s.sizeType) byNumber.set(s.containerNumber, s.sizeType);
  }
  const stored: StoredContainers = { ids: new Map(), inserted: new Set() };
  for (const slice of chunks([...byNumber], 8000))
    await upsertContainerSlice(trx, new Map(slice), stored, bulk);
  return stored;
}

async function upsertContainerSlice(
  trx: Tx,
  byNumber: Map<string, string | undefined>,
  { ids, inserted }: StoredContainers,
  bulk: Bulk | undefined,
): Promise<void> {
  const rows = [...byNumber].map(([number, sizeType]) => {
    const st = sizeType ? parseSizeType(sizeType) : undefined;
    return {
      container_number: number,
      owner_code: number.slice(0, 4),
      size_type: sizeType ?? null,
      length_ft: st?.ok ? st.value.lengthFt : null,
      height_code: st?.ok
        ? st.value.highCube
          ? 'HC'
          : st.value.heightFt === null
            ? null
            : String(st.value.heightFt)
        : null,
      reefer: st?.ok ? st.value.reefer : null,
    };
  });
  // Most sightings are either known containers or new ones: look them up, insert the new ones
  // in bulk, and correct only the known ones whose size-type changed.
  const known = await existingRows<{ id: number; container_number: string; size_type: string | null }>(
    trx,
    'containers',
    'container_number',
    [...byNumber.keys()],
    't.id, t.container_number, t.size_type',
    bulk,
  );
  const rowByNumber = new Map(rows.map((r) => [r.container_number, r]));
  const corrected: typeof rows = [];
  for (const r of known) {
    ids.set(r.container_number, Number(r.id));
    const row = rowByNumber.get(r.container_number);
    rowByNumber.delete(r.container_number);
    if (row?.size_type && row.size_type !== r.size_type) corrected.push(row);
  }
  const fresh = [...rowByNumber.values()];
  for (const [number, id] of await insertNew(
    trx,
    'containers',
    'container_number',
    fresh,
    containerColumnTypes,
    bulk,
  )) {
    ids.set(number, id);
    inserted.add(number);
  }
  if (corrected.length > 0) {
    await sql`update containers c set size_type = x.size_type, length_ft = x.length_ft,
        height_code = x.height_code, reefer = x.reefer, updated_at = now()
      from (${jsonRows(corrected, containerColumnTypes)}) as x
      where c.container_number = x.container_number`.execute(trx);
  }
}

export interface ConsignmentLinks {
  portCallIds: Map<string, number>;
  partyIds: Map<string, number>;
  containerIds: Map<string, number>;
}

/** Upserts consignments and, for new or corrected ones, replaces their goods and container links. */
export async function upsertConsignments(
  trx: Tx,
  file: FileContext,
  items: (Keyed<ConsignmentRecord> & { portCallKey?: string | undefined })[],
  links: ConsignmentLinks,
  bulk?: Bulk,
): Promise<Map<string, { id: number; change: Change }>> {
  const out = new Map<string, { id: number; change: Change }>();
  if (items.length === 0) return out;
  const party = (p: PartyRecord | undefined) => (p ? (links.partyIds.get(partyKey(p)) ?? null) : null);
  // The rows come from one source (a staged table on the embedded database, one JSON parameter on
  // a server): a VALUES list of 2,000 consignments is 42,000 parameters, which PGlite passes slowly.
  const source = await rowSource(
    trx,
    'consignments',
    items.map(({ key, hash, record: c, sourceRef, portCallKey }) => ({
      consignment_key: key,
      transport_document_number: c.transportDocumentNumber,
      port_call_id: portCallKey ? (links.portCallIds.get(portCallKey) ?? null) : null,
      port_locode: c.portLocode ?? c.portCall?.portLocode ?? null,
      shipper_id: party(c.shipper),
      consignee_id: party(c.consignee),
      notify_party_id: party(c.notifyParty),
      forwarder_id: party(c.forwarder),
      consignee_to_order: c.consigneeToOrder,
      origin_country: c.originCountry ?? null,
      place_of_receipt: c.placeOfReceipt ?? null,
      place_of_loading: c.placeOfLoading ?? null,
      place_of_discharge: c.placeOfDischarge ?? null,
      place_of_delivery: c.placeOfDelivery ?? null,
      transshipment_ports: c.transshipmentPorts,
      total_packages: c.totalPackages ?? null,
      gross_mass_kg: c.grossMassKg ?? null,
      declared_at: ts(c.declaredAt),
      content_hash: hash,
      source_ref: sourceRef,
      ingest_file_id: file.ingestFileId,
    })),
    consignmentColumnTypes,
    bulk,
  );
  const changed = await trx
    .insertInto('consignments')
    .columns(Object.keys(consignmentColumnTypes) as (keyof typeof consignmentColumnTypes)[])
    .expression(source)
    .onConflict((oc) =>
      oc
        .column('consignment_key')
        .doUpdateSet((eb) => ({
          port_call_id: eb.ref('excluded.port_call_id'),
          port_locode: eb.ref('excluded.port_locode'),
          shipper_id: eb.ref('excluded.shipper_id'),
          consignee_id: eb.ref('excluded.consignee_id'),
          notify_party_id: eb.ref('excluded.notify_party_id'),
          forwarder_id: eb.ref('excluded.forwarder_id'),
          consignee_to_order: eb.ref('excluded.consignee_to_order'),
          origin_country: eb.ref('excluded.origin_country'),
          place_of_receipt: eb.ref('excluded.place_of_receipt'),
          place_of_loading: eb.ref('excluded.place_of_loading'),
          place_of_discharge: eb.ref('excluded.place_of_discharge'),
          place_of_delivery: eb.ref('excluded.place_of_delivery'),
          transshipment_ports: eb.ref('excluded.transshipment_ports'),
          total_packages: eb.ref('excluded.total_packages'),
          gross_mass_kg: eb.ref('excluded.gross_mass_kg'),
          declared_at: eb.ref('excluded.declared_at'),
          content_hash: eb.ref('excluded.content_hash'),
          source_ref: eb.ref('excluded.source_ref'),
          ingest_file_id: eb.ref('excluded.ingest_file_id'),
          updated_at: sql`now()`,
        }))
        .whereRef('consignments.content_hash', '<>', 'excluded.content_hash'),
    )
    .returning(['id', 'consignment_key', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();
  for (const r of changed)
    out.set(r.consignment_key, { id: r.id, change: r.inserted ? 'accepted' : 'updated' });

  const rewritten = items.filter((i) => out.has(i.key));
  const updatedIds = changed.filter((r) => !r.inserted).map((r) => r.id);
  if (updatedIds.length > 0) {
    await trx.deleteFrom('goods_items').where('consignment_id', 'in', updatedIds).execute();
    await trx.deleteFrom('consignment_containers').where('consignment_id', 'in', updatedIds).execute();
  }
  const goods = rewritten.flatMap(({ key, record }) =>
    record.goods.map((g) => ({
      consignment_id: out.get(key)!.id,
      line_number: g.lineNumber,
      hs_code: g.hsCode ?? null,
      description: g.description ?? null,
      packages: g.packages ?? null,
      package_type: g.packageType ?? null,
      gross_mass_kg: g.grossMassKg ?? null,
      net_mass_kg: g.netMassKg ?? null,
      origin_country: g.originCountry ?? null,
      container_numbers: g.containerNumbers,
    })),
  );
  await insertRows(trx, 'goods_items', goodsWithoutRepeats(goods), bulk);
  const containerLinks = new Map<
    string,
    {
      consignment_id: number;
      container_id: number;
      seals: string[];
      full_empty: 'full' | 'empty' | null;
      gross_mass_kg: number | null;
    }
  >();
  for (const { key, record } of rewritten) {
    for (const k of record.containers) {
      const containerId = links.containerIds.get(k.containerNumber);
      if (containerId === undefined) continue;
      const consignmentId = out.get(key)!.id;
      containerLinks.set(`${consignmentId}|${containerId}`, {
        consignment_id: consignmentId,
        container_id: containerId,
        seals: k.seals,
        full_empty: k.fullEmpty ?? null,
        gross_mass_kg: k.grossMassKg ?? null,
      });
    }
  }
  await insertRows(trx, 'consignment_containers', [...containerLinks.values()], bulk);
  // Their manifest is new or corrected: the release gate holds them until risk targeting has
  // assessed it (migration 0008). Only consignments with a port are ever assessed.
  const due = new Set<number>();
  for (const { record } of rewritten) {
    if (!(record.portLocode ?? record.portCall?.portLocode)) continue;
    for (const k of record.containers) {
      const id = links.containerIds.get(k.containerNumber);
      if (id !== undefined) due.add(id);
    }
  }
  if (due.size > 0) {
    await sql`update containers set assessment_due_at = clock_timestamp()
               where id = any(${[...due]}::bigint[])`.execute(trx);
  }

  const missing = items.map((c) => c.key).filter((k) => !out.has(k));
  if (missing.length > 0) {
    const rows = await trx
      .selectFrom('consignments')
      .select(['id', 'consignment_key'])
      .where('consignment_key', 'in', missing)
      .execute();
    for (const r of rows) out.set(r.consignment_key, { id: r.id, change: 'unchanged' });
  }
  return out;
}

type GoodsRow = Insertable<DB['goods_items']> & { consignment_id: number; line_number: number };

/** A goods line number repeated within a consignment keeps its first line, as ON CONFLICT DO NOTHING would. */
function goodsWithoutRepeats(goods: GoodsRow[]): GoodsRow[] {
  const seen = new Set<string>();
  return goods.filter((g) => {
    const key = `${g.consignment_id}|${g.line_number}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Inserts rows that cannot conflict (their consignment is new, or its old rows were deleted in
 * this transaction): by COPY when there are many and a bulk session, else in slices of VALUES.
 */
async function insertRows<T extends 'goods_items' | 'consignment_containers'>(
  trx: Tx,
  table: T,
  rows: Insertable<DB[T]>[],
  bulk: Bulk | undefined,
): Promise<void> {
  if (rows.length === 0) return;
  if (bulk && rows.length >= COPY_THRESHOLD) {
    const columns = Object.keys(rows[0]!);
    await bulk.copy(table, columns, csvText(rows as Record<string, unknown>[], columns));
    return;
  }
  for (const slice of chunks(rows, 4000))
    await trx
      .insertInto(table)
      .values(slice as never)
      .execute();
}

export interface EventChanges {
  /** Ids of the inserted or corrected events, in the order the database wrote them. */
  changedIds: number[];
  accepted: number;
  updated: number;
  unchanged: number;
}

/**
 * How a known event takes in a new version of itself. The same event often arrives twice: from
 * the terminal (COARRI, CODECO) and from a port community system or a JSON feed, each with the
 * detail it has. So a new version corrects the values it carries and keeps the ones it does not
 * carry (an empty value, no seals, a detail key it lacks), instead of wiping them: a value, once
 * reported, can be corrected but not erased by a message that does not mention it. The row is
 * written, and the event counted as updated, only when this changes something.
 */
type EventUpdate = Updateable<ContainerEventsTable>;
const keepUnlessGiven = <C extends keyof EventUpdate>(column: C) =>
  sql<EventUpdate[C]>`coalesce(${sql.ref(`excluded.${column}`)}, ${sql.ref(`container_events.${column}`)})`;
const EVENT_MERGE = {
  place_detail: keepUnlessGiven('place_detail'),
  seals: sql<
    string[]
  >`case when cardinality(excluded.seals) > 0 then excluded.seals else container_events.seals end`,
  full_empty: keepUnlessGiven('full_empty'),
  haulier: keepUnlessGiven('haulier'),
  vessel_name: keepUnlessGiven('vessel_name'),
  verified_gross_mass_kg: keepUnlessGiven('verified_gross_mass_kg'),
  port_of_loading: keepUnlessGiven('port_of_loading'),
  port_of_discharge: keepUnlessGiven('port_of_discharge'),
  details: sql<string>`container_events.details || excluded.details`,
};

/** Upserts container events; returns the changed ids and how many were new, corrected or unchanged. */
export async function upsertContainerEvents(
  trx: Tx,
  file: FileContext,
  events: Keyed<ContainerEventRecord>[],
  containers: StoredContainers,
  bulk?: Bulk,
): Promise<EventChanges> {
  const containerIds = containers.ids;
  const out: EventChanges = { changedIds: [], accepted: 0, updated: 0, unchanged: 0 };
  if (events.length === 0) return out;
  const rows = events.map(({ key, hash, record: e, sourceRef }) => ({
    event_key: key,
    container_id: containerIds.get(e.containerNumber)!,
    container_number: e.containerNumber,
    event_type: e.eventType,
    occurred_at: ts(e.occurredAt),
    place_locode: e.placeLocode ?? null,
    place_detail: e.placeDetail ?? null,
    seals: e.seals,
    full_empty: e.fullEmpty ?? null,
    haulier: e.haulier ?? null,
    vessel_imo: e.vesselImo ?? null,
    vessel_name: e.vesselName ?? null,
    voyage: e.voyage ?? null,
    verified_gross_mass_kg: e.verifiedGrossMassKg ?? null,
    status_code: e.statusCode ?? null,
    port_of_loading: e.portOfLoading ?? null,
    port_of_discharge: e.portOfDischarge ?? null,
    details: e.details,
    source_message_ref: sourceRef,
    content_hash: hash,
    ingest_file_id: file.ingestFileId,
  }));
  // New events (the bulk of a first ingest) are inserted in bulk; known keys with another content
  // hash are corrections, written by an upsert that only touches rows whose hash differs. An
  // event of a container stored for the first time in this transaction cannot be known (its key
  // starts with the container number, and only this code writes events), so only the others
  // are looked up.
  const maybeKnown: string[] = [];
  for (const r of rows) if (!containers.inserted.has(r.container_number)) maybeKnown.push(r.event_key);
  const known =
    maybeKnown.length === 0
      ? []
      : await existingRows<{ event_key: string; content_hash: string }>(
          trx,
          'container_events',
          'event_key',
          maybeKnown,
          't.event_key, t.content_hash',
          bulk,
        );
  const knownHash = new Map(known.map((r) => [r.event_key, r.content_hash]));
  const fresh = rows.filter((r) => !knownHash.has(r.event_key));
  const corrections = rows.filter((r) => {
    const hash = knownHash.get(r.event_key);
    return hash !== undefined && hash !== r.content_hash;
  });
  const changedIds = new Map(
    await insertNew(trx, 'container_events', 'event_key', fresh, eventColumnTypes, bulk),
  );
  out.accepted = changedIds.size;
  if (corrections.length > 0) {
    const source = await rowSource(trx, 'events', corrections, eventColumnTypes, bulk);
    const changed = await trx
      .insertInto('container_events')
      .columns(Object.keys(eventColumnTypes) as (keyof typeof eventColumnTypes)[])
      .expression(source)
      .onConflict((oc) =>
        oc
          .column('event_key')
          .doUpdateSet({
            ...EVENT_MERGE,
            source_message_ref: sql.ref('excluded.source_message_ref'),
            content_hash: sql.ref('excluded.content_hash'),
            ingest_file_id: sql.ref('excluded.ingest_file_id'),
            updated_at: sql`now()`,
          })
          .where(
            sql<boolean>`(${sql.join(Object.values(EVENT_MERGE))}) is distinct from (${sql.join(
              Object.keys(EVENT_MERGE).map((c) => sql.ref(`container_events.${c}`)),
            )})`,
          ),
      )
      .returning(['id', 'event_key', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
    for (const r of changed) {
      changedIds.set(r.event_key, r.id);
      if (r.inserted) out.accepted++;
      else out.updated++;
    }
  }
  // Ids in input order, as one upsert of the whole batch would have returned them.
  for (const r of rows) {
    const id = changedIds.get(r.event_key);
    if (id !== undefined) out.changedIds.push(id);
  }
  out.unchanged = events.length - out.changedIds.length;
  return out;
}

/** PostgreSQL text cannot hold U+0000: shown as U+FFFD, as undecodable bytes are. */
const storable = (v: string | undefined, max = 500): string | null =>
  v === undefined ? null : v.slice(0, max).replaceAll('\u0000', '\uFFFD');

/** Keeps rejected records; the same rejection of the same file content is kept once. */
export async function insertRejections(trx: Tx, file: FileContext, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await trx
    .insertInto('quarantine')
    .values(
      rejections.map((r) => ({
        ingest_file_id: file.ingestFileId,
        file_name: file.fileName,
        file_sha256: file.sha256,
        format: file.format,
        position: storable(r.position) ?? '',
        line: r.line ?? null,
        segment_number: r.segmentNumber ?? null,
        record_ref: storable(r.recordRef),
        field: storable(r.field),
        value: storable(r.value),
        code: storable(r.code) ?? '',
        reason: storable(r.reason, 2000) ?? '',
        excerpt: storable(r.excerpt),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function startIngestFile(
  db: Kysely<DB>,
  f: { fileName: string; sha256: string; format: string; byteSize: number; actor: string },
): Promise<number> {
  const row = await db
    .insertInto('ingest_files')
    .values({
      file_name: f.fileName,
      sha256: f.sha256,
      format: f.format,
      byte_size: f.byteSize,
      actor: f.actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishIngestFile(
  trx: Tx,
  id: number,
  status: 'done' | 'failed',
  summary: Record<string, unknown>,
): Promise<void> {
  await trx
    .updateTable('ingest_files')
    // jsonb cannot hold U+0000 either (warnings quote the input).
    .set({
      status,
      summary: JSON.stringify(summary).replaceAll('\\u0000', '\\ufffd'),
      finished_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}
