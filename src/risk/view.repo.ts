/**
 * SQL of the risk view (view.ts): one query per kind of fact, each batched over the whole set
 * of consignments, containers or parties, so building a day's views costs a handful of queries.
 * "Known at" of a consignment is `coalesce(declared_at, created_at)` everywhere.
 */
import { type Kysely, sql } from 'kysely';
import type { ContainerEventType, DB } from '../db/schema.ts';

// Truncated to milliseconds: a moment read back into JavaScript (a Date) has millisecond
// precision, and the database's microseconds would otherwise put a record just after the moment
// it was known at.
const knownAt = sql<Date>`date_trunc('milliseconds', coalesce(c.declared_at, c.created_at))`;

export interface ConsignmentRow {
  consignmentId: number;
  containerId: number;
  containerNumber: string;
  transportDocumentNumber: string;
  portLocode: string | null;
  knownAt: Date;
  originCountry: string | null;
  placeOfLoading: string | null;
  placeOfReceipt: string | null;
  transshipmentPorts: string[];
  previousPorts: string[];
  shipperId: number | null;
  consigneeId: number | null;
  notifyPartyId: number | null;
  forwarderId: number | null;
  consigneeToOrder: boolean;
  sizeType: string | null;
  reefer: boolean | null;
  lengthFt: number | null;
  fullEmpty: 'full' | 'empty' | null;
  seals: string[];
  containerGrossMassKg: number | null;
  vesselImo: string | null;
  vesselName: string | null;
  voyage: string | null;
  eta: Date | null;
  portCallId: number | null;
}

/** Container-in-consignment rows of the consignments known at `asOf` that match the query. */
export async function loadConsignmentRows(
  db: Kysely<DB>,
  q: { consignmentIds?: number[]; port?: string; from?: Date; to?: Date; asOf: Date },
): Promise<ConsignmentRow[]> {
  if (q.consignmentIds && q.consignmentIds.length === 0) return [];
  let query = db
    .selectFrom('consignments as c')
    .innerJoin('consignment_containers as cc', 'cc.consignment_id', 'c.id')
    .innerJoin('containers as k', 'k.id', 'cc.container_id')
    .leftJoin('port_calls as pc', 'pc.id', 'c.port_call_id')
    .select([
      'c.id as consignmentId',
      'k.id as containerId',
      'k.container_number as containerNumber',
      'c.transport_document_number as transportDocumentNumber',
      'c.origin_country as originCountry',
      'c.place_of_loading as placeOfLoading',
      'c.place_of_receipt as placeOfReceipt',
      'c.transshipment_ports as transshipmentPorts',
      'c.shipper_id as shipperId',
      'c.consignee_id as consigneeId',
      'c.notify_party_id as notifyPartyId',
      'c.forwarder_id as forwarderId',
      'c.consignee_to_order as consigneeToOrder',
      'k.size_type as sizeType',
      'k.reefer',
      'k.length_ft as lengthFt',
      'cc.full_empty as fullEmpty',
      'cc.seals',
      'cc.gross_mass_kg as containerGrossMassKg',
      'pc.vessel_imo as vesselImo',
      'pc.vessel_name as vesselName',
      'pc.voyage',
      'pc.eta',
      'c.port_call_id as portCallId',
    ])
    .select([
      sql<string | null>`coalesce(pc.port_locode, c.port_locode)`.as('portLocode'),
      sql<string[]>`coalesce(pc.previous_ports, '{}')`.as('previousPorts'),
      knownAt.as('knownAt'),
    ])
    .where(knownAt, '<=', q.asOf);
  if (q.consignmentIds) query = query.where('c.id', '=', sql<number>`any(${q.consignmentIds}::bigint[])`);
  if (q.port) {
    const port = q.port;
    query = query.where((eb) => eb.or([eb('pc.port_locode', '=', port), eb('c.port_locode', '=', port)]));
  }
  const arrival = sql<Date>`coalesce(pc.eta, c.declared_at, c.created_at)`;
  if (q.from) query = query.where(arrival, '>=', q.from);
  if (q.to) query = query.where(arrival, '<', q.to);
  return query.orderBy('c.id').orderBy('k.container_number').execute();
}

export interface GoodsRow {
  consignmentId: number;
  hsCode: string | null;
  description: string | null;
  packages: number | null;
  grossMassKg: number | null;
  containerNumbers: string[];
}

export async function loadGoods(db: Kysely<DB>, consignmentIds: number[]): Promise<GoodsRow[]> {
  return db
    .selectFrom('goods_items')
    .select([
      'consignment_id as consignmentId',
      'hs_code as hsCode',
      'description',
      'packages',
      'gross_mass_kg as grossMassKg',
      'container_numbers as containerNumbers',
    ])
    .where('consignment_id', '=', sql<number>`any(${consignmentIds}::bigint[])`)
    .orderBy('consignment_id')
    .orderBy('line_number')
    .execute();
}

export interface PartyHistoryRow {
  partyId: number;
  name: string;
  country: string | null;
  /** Earliest consignment naming the party known at `asOf`; null when none is. */
  firstKnownAt: Date | null;
  /** Consignments naming the party known at `asOf` (the viewed one included when it is known). */
  shipments: number;
}

/** The (party, consignment) pairs of the given parties in any role, each pair once. */
function partyRoles(partyIds: number[]) {
  const ids = sql`any(${partyIds}::bigint[])`;
  return sql`(
    select shipper_id as party_id, id as consignment_id, date_trunc('milliseconds', coalesce(declared_at, created_at)) as known_at
      from consignments where shipper_id = ${ids}
    union
    select consignee_id, id, date_trunc('milliseconds', coalesce(declared_at, created_at)) from consignments where consignee_id = ${ids}
    union
    select notify_party_id, id, date_trunc('milliseconds', coalesce(declared_at, created_at)) from consignments where notify_party_id = ${ids}
    union
    select forwarder_id, id, date_trunc('milliseconds', coalesce(declared_at, created_at)) from consignments where forwarder_id = ${ids}
  )`;
}

export async function loadPartyHistory(
  db: Kysely<DB>,
  partyIds: number[],
  asOf: Date,
): Promise<PartyHistoryRow[]> {
  if (partyIds.length === 0) return [];
  const result = await sql<PartyHistoryRow>`
    select p.id as "partyId", p.name, p.country,
           min(r.known_at) as "firstKnownAt", count(r.consignment_id) as shipments
      from parties p
      left join ${partyRoles(partyIds)} r on r.party_id = p.id and r.known_at <= ${asOf}
     where p.id = any(${partyIds}::bigint[])
     group by p.id, p.name, p.country`.execute(db);
  return result.rows;
}

export interface OutcomeCounts {
  inspections: number;
  hits: number;
}

export interface PriorOutcomes {
  /** Present only when the outcomes table exists (migration 0003). */
  available: boolean;
  byParty: Map<number, OutcomeCounts>;
  /** The viewed consignments' own outcomes before `asOf`, to take out of their parties' history. */
  byConsignment: Map<number, OutcomeCounts>;
}

/**
 * Whether inspection outcomes are recorded: the table comes with the assessment capability's
 * migration 0003, which may be absent; until then every history has no inspections.
 */
export async function outcomesRecorded(db: Kysely<DB>): Promise<boolean> {
  const r = await sql<{
    present: boolean;
  }>`select to_regclass('inspection_outcomes') is not null as present`.execute(db);
  return r.rows[0]?.present === true;
}

/** Inspections (and hits) with `inspected_at < asOf` per party and per viewed consignment. */
export async function loadPriorOutcomes(
  db: Kysely<DB>,
  partyIds: number[],
  consignmentIds: number[],
  asOf: Date,
): Promise<PriorOutcomes> {
  const empty: PriorOutcomes = { available: false, byParty: new Map(), byConsignment: new Map() };
  if (!(await outcomesRecorded(db))) return empty;
  // The table is not in the typed schema of this module's migrations, hence raw SQL.
  const [parties, own] = await Promise.all([
    partyIds.length === 0
      ? Promise.resolve({ rows: [] })
      : sql<{ id: number; inspections: number; hits: number }>`
          select r.party_id as id, count(*) as inspections, count(*) filter (where o.hit) as hits
            from inspection_outcomes o
            join ${partyRoles(partyIds)} r on r.consignment_id = o.consignment_id
           where o.inspected_at < ${asOf}
           group by r.party_id`.execute(db),
    sql<{ id: number; inspections: number; hits: number }>`
      select o.consignment_id as id, count(*) as inspections, count(*) filter (where o.hit) as hits
        from inspection_outcomes o
       where o.consignment_id = any(${consignmentIds}::bigint[]) and o.inspected_at < ${asOf}
       group by o.consignment_id`.execute(db),
  ]);
  const toMap = (rows: { id: number; inspections: number; hits: number }[]) =>
    new Map(rows.map((r) => [Number(r.id), { inspections: Number(r.inspections), hits: Number(r.hits) }]));
  return { available: true, byParty: toMap(parties.rows), byConsignment: toMap(own.rows) };
}

export interface ContainerEventRow {
  containerId: number;
  occurredAt: Date;
  eventType: ContainerEventType;
  seals: string[];
}

/** Events of the given containers that occurred in [from, asOf], in time order. */
export async function loadContainerEvents(
  db: Kysely<DB>,
  containerIds: number[],
  from: Date,
  asOf: Date,
): Promise<ContainerEventRow[]> {
  const rows = await db
    .selectFrom('container_events')
    .select(['container_id as containerId', 'occurred_at as occurredAt', 'event_type as eventType', 'seals'])
    .where('container_id', '=', sql<number>`any(${containerIds}::bigint[])`)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<=', asOf)
    .where((eb) => eb.or([eb('event_type', '=', 'gate_out'), sql<boolean>`cardinality(seals) > 0`]))
    .orderBy('container_id')
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) => (r.occurredAt ? [{ ...r, occurredAt: r.occurredAt }] : []));
}

/** Median gross mass per package of each HS heading over goods of consignments known at `asOf`. */
export async function loadUsualMassPerPackage(
  db: Kysely<DB>,
  headings: string[],
  asOf: Date,
): Promise<Map<string, number>> {
  if (headings.length === 0) return new Map();
  const result = await sql<{ heading: string; usual: number }>`
    select left(g.hs_code, 4) as heading,
           percentile_cont(0.5) within group (order by g.gross_mass_kg / g.packages) as usual
      from goods_items g
      join consignments c on c.id = g.consignment_id
     where left(g.hs_code, 4) = any(${headings}::text[])
       and g.packages > 0 and g.gross_mass_kg > 0
       and ${knownAt} <= ${asOf}
     group by 1`.execute(db);
  return new Map(result.rows.map((r) => [r.heading, Number(r.usual)]));
}

export type PartnerAction = 'scan_on_arrival' | 'monitor' | 'hold';

/** One correlation hit of a partner alert, as known at `asOf`. */
export interface PartnerHitRow {
  entityType: 'container' | 'consignment' | 'container_event' | 'port_call' | 'party';
  /** For a container event, the event's container; otherwise the hit's entity. */
  entityId: number;
  alertId: number;
  alertUid: string;
  originAgency: string;
  recommendedAction: PartnerAction;
  identifierKind: string;
  identifierValue: string;
}

/**
 * Correlation hits of partner alerts on the given entities, as known at `asOf`: the hit was
 * recorded at or before `asOf` (so was the alert it matched), the alert was valid then
 * (`valid_from <= asOf < valid_until`), and it was not yet withdrawn (a withdrawal received
 * after `asOf` does not count). Hits on container events count when the event occurred by `asOf`.
 */
export async function loadPartnerHits(
  db: Kysely<DB>,
  keys: { containerIds: number[]; consignmentIds: number[]; partyIds: number[]; portCallIds: number[] },
  asOf: Date,
): Promise<PartnerHitRow[]> {
  const ids = (list: number[]) => sql`any(${list}::bigint[])`;
  const result = await sql<PartnerHitRow>`
    select h.entity_type as "entityType",
           coalesce(e.container_id, h.entity_id) as "entityId",
           a.id as "alertId", a.uid as "alertUid", a.origin_agency as "originAgency",
           a.recommended_action as "recommendedAction",
           h.identifier_kind as "identifierKind", h.identifier_value as "identifierValue"
      from intel_hits h
      join intel_alerts a on a.id = h.alert_id
      left join container_events e on h.entity_type = 'container_event' and e.id = h.entity_id
     where not a.local
       and date_trunc('milliseconds', h.created_at) <= ${asOf}
       and a.valid_from <= ${asOf}
       and (a.valid_until is null or a.valid_until > ${asOf})
       and (a.status = 'active' or a.updated_at > ${asOf})
       and (   (h.entity_type = 'container' and h.entity_id = ${ids(keys.containerIds)})
            or (h.entity_type = 'consignment' and h.entity_id = ${ids(keys.consignmentIds)})
            or (h.entity_type = 'party' and h.entity_id = ${ids(keys.partyIds)})
            or (h.entity_type = 'port_call' and h.entity_id = ${ids(keys.portCallIds)})
            or (h.entity_type = 'container_event' and e.container_id = ${ids(keys.containerIds)}
                and e.occurred_at <= ${asOf}))
     order by h.id`.execute(db);
  return result.rows.map((r) => ({ ...r, entityId: Number(r.entityId), alertId: Number(r.alertId) }));
}
