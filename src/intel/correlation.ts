/**
 * Correlation of partner alerts with local cargo, in both directions, through indexes only:
 * an incoming alert's identifiers are looked up in the local tables (unique/btree indexes on
 * container numbers, transport documents, vessel IMO, normalised party names, EORI; GIN indexes
 * on the seal arrays), and a newly stored local record's identifiers are looked up in
 * `alert_identifiers` by (kind, value). Either way the cost follows the identifiers of the one
 * new thing, not the number of stored alerts or containers. Every new hit is an `intel_hits` row
 * and an `intel.hit` event, written together.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { emitEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import type { HitEntityType, IdentifierKind } from '../db/tables/federation.ts';
import { isToOrder, normalizeSeal } from '../domain/index.ts';
import { compactIdentifier, type IdentifierRow, isUninformative } from './alert.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface HitCandidate {
  alertId: number;
  entityType: HitEntityType;
  entityId: number;
  kind: IdentifierKind;
  value: string;
}

/**
 * Runs `lookups` with plans fit for a few index probes. PostgreSQL has no statistics for the
 * elements of the seal arrays (nearly every seal is unique), so it estimates that an overlap
 * with five seals matches 2.5 % of the rows: at 10 M rows it then starts parallel workers and JIT
 * compilation for what the GIN index answers in a millisecond (measured: 84 ms with them, 1.3 ms
 * without). The settings are local to the transaction: the caller's when there is one (they then
 * last until it ends, which suits the short correlation transactions), else one opened here.
 */
async function withPointLookupPlans<T>(db: Db, lookups: (q: Transaction<DB>) => Promise<T>): Promise<T> {
  const run = async (trx: Transaction<DB>) => {
    await sql`select set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`.execute(
      trx,
    );
    return lookups(trx);
  };
  return db.isTransaction ? run(db as Transaction<DB>) : db.transaction().execute(run);
}

/** Local entities carrying one of the alert's identifier values. */
export async function findLocalMatches(
  db: Db,
  alertId: number,
  rows: readonly IdentifierRow[],
): Promise<HitCandidate[]> {
  const byKind = (kind: IdentifierKind) => rows.filter((r) => r.kind === kind).map((r) => r.value);
  const out: HitCandidate[] = [];
  const push = (entityType: HitEntityType, kind: IdentifierKind, found: { id: number; value: string }[]) => {
    for (const f of found) out.push({ alertId, entityType, entityId: f.id, kind, value: f.value });
  };
  const containers = byKind('container');
  if (containers.length > 0) {
    const found = await db
      .selectFrom('containers')
      .select(['id', 'container_number as value'])
      .where('container_number', 'in', containers)
      .execute();
    push('container', 'container', found);
  }
  const documents = byKind('transport_document');
  if (documents.length > 0) {
    const found = await db
      .selectFrom('consignments')
      .select(['id', 'transport_document_number as value'])
      .where('transport_document_number', 'in', documents)
      .execute();
    push('consignment', 'transport_document', found);
  }
  const seals = byKind('seal');
  if (seals.length > 0) {
    const { inManifests, inEvents } = await withPointLookupPlans(db, async (q) => {
      const array = sql<string[]>`cast(${sql.val(seals)} as text[])`;
      return {
        inManifests: await q
          .selectFrom('consignment_containers')
          .select(['container_id as id', 'seals'])
          .where(sql<boolean>`seals && ${array}`)
          .execute(),
        inEvents: await q
          .selectFrom('container_events')
          .select(['id', 'seals'])
          .where(sql<boolean>`seals && ${array}`)
          .execute(),
      };
    });
    const overlap = (list: { id: number; seals: string[] }[]) =>
      list.flatMap((r) => r.seals.filter((s) => seals.includes(s)).map((value) => ({ id: r.id, value })));
    push('container', 'seal', overlap(inManifests));
    push('container_event', 'seal', overlap(inEvents));
  }
  const imos = byKind('imo');
  if (imos.length > 0) {
    const found = await db
      .selectFrom('port_calls')
      .select(['id', 'vessel_imo'])
      .where('vessel_imo', 'in', imos)
      .execute();
    push(
      'port_call',
      'imo',
      found.map((r) => ({ id: r.id, value: r.vessel_imo ?? '' })),
    );
  }
  const names = byKind('party_name');
  if (names.length > 0) {
    const found = await db
      .selectFrom('parties')
      .select(['id', 'name', 'name_normalized as value'])
      .where('name_normalized', 'in', names)
      .execute();
    push(
      'party',
      'party_name',
      found.filter((p) => !isToOrder(p.name)),
    );
  }
  const partyIds = byKind('party_identifier');
  if (partyIds.length > 0) {
    const found = await db
      .selectFrom('parties')
      .select(['id', 'eori'])
      .where('eori', 'in', partyIds)
      .execute();
    push(
      'party',
      'party_identifier',
      found.map((r) => ({ id: r.id, value: r.eori ?? '' })),
    );
  }
  return out;
}

/** Active, valid partner alerts holding one of the given (kind, value) pairs. */
export async function findAlertMatches(
  db: Db,
  entityType: HitEntityType,
  entityId: number,
  values: readonly IdentifierRow[],
): Promise<HitCandidate[]> {
  const informative = values.filter((v) => !isUninformative(v.value));
  if (informative.length === 0) return [];
  const now = new Date();
  const rows = await db
    .selectFrom('alert_identifiers as i')
    .innerJoin('intel_alerts as a', 'a.id', 'i.alert_id')
    .select(['i.alert_id', 'i.kind', 'i.value'])
    .where((eb) =>
      eb.or(informative.map((v) => eb.and([eb('i.kind', '=', v.kind), eb('i.value', '=', v.value)]))),
    )
    .where('a.local', '=', false)
    .where('a.status', '=', 'active')
    .where('a.valid_from', '<=', now)
    .where((eb) => eb.or([eb('a.valid_until', 'is', null), eb('a.valid_until', '>', now)]))
    .execute();
  return rows.map((r) => ({ alertId: r.alert_id, entityType, entityId, kind: r.kind, value: r.value }));
}

/** Stores the hits not yet known and announces each new one; returns how many were new. */
export async function recordHits(trx: Transaction<DB>, hits: readonly HitCandidate[]): Promise<number> {
  let created = 0;
  for (const h of hits) {
    const row = await trx
      .insertInto('intel_hits')
      .values({
        alert_id: h.alertId,
        entity_type: h.entityType,
        entity_id: h.entityId,
        identifier_kind: h.kind,
        identifier_value: h.value,
      })
      .onConflict((oc) =>
        oc
          .columns(['alert_id', 'entity_type', 'entity_id', 'identifier_kind', 'identifier_value'])
          .doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    if (!row) continue;
    const alert = await trx
      .selectFrom('intel_alerts')
      .select(['uid', 'origin_agency', 'recommended_action'])
      .where('id', '=', h.alertId)
      .executeTakeFirstOrThrow();
    await emitEvent(trx, 'intel.hit', {
      hitId: row.id,
      alertId: h.alertId,
      alertUid: alert.uid,
      originAgency: alert.origin_agency,
      recommendedAction: alert.recommended_action,
      entityType: h.entityType,
      entityId: h.entityId,
      identifierKind: h.kind,
      identifierValue: h.value,
    });
    created++;
  }
  return created;
}

/** The identifier values of local entities, grouped by entity, to match against alerts. */
export class LocalIdentifiers {
  readonly entities = new Map<
    string,
    { entityType: HitEntityType; entityId: number; rows: IdentifierRow[] }
  >();

  add(entityType: HitEntityType, entityId: number, kind: IdentifierKind, value: string | null): void {
    if (value === null || isUninformative(value)) return;
    const key = `${entityType}:${entityId}`;
    const entity = this.entities.get(key) ?? { entityType, entityId, rows: [] };
    if (!entity.rows.some((r) => r.kind === kind && r.value === value)) entity.rows.push({ kind, value });
    this.entities.set(key, entity);
  }

  addSeals(entityType: HitEntityType, entityId: number, seals: readonly string[]): void {
    for (const s of seals) {
      const seal = normalizeSeal(s);
      if (seal.ok) this.add(entityType, entityId, 'seal', seal.value);
    }
  }
}

/** Identifier values of stored consignments: the document, vessel, containers, seals and parties. */
export async function consignmentIdentifiers(
  db: Db,
  ids: readonly number[],
  into: LocalIdentifiers,
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom('consignments as c')
    .leftJoin('port_calls as p', 'p.id', 'c.port_call_id')
    .select(['c.id', 'c.transport_document_number', 'c.port_call_id', 'p.vessel_imo'])
    .where('c.id', 'in', ids)
    .execute();
  for (const r of rows) {
    into.add('consignment', r.id, 'transport_document', compactIdentifier(r.transport_document_number));
    if (r.port_call_id !== null) into.add('port_call', r.port_call_id, 'imo', r.vessel_imo);
  }
  const boxes = await db
    .selectFrom('consignment_containers as cc')
    .innerJoin('containers as k', 'k.id', 'cc.container_id')
    .select(['cc.container_id', 'k.container_number', 'cc.seals'])
    .where('cc.consignment_id', 'in', ids)
    .execute();
  for (const b of boxes) {
    into.add('container', b.container_id, 'container', b.container_number);
    into.addSeals('container', b.container_id, b.seals);
  }
  const parties = await db
    .selectFrom('consignments as c')
    .innerJoin('parties as p', (j) =>
      j.on((eb) =>
        eb.or([
          eb('p.id', '=', eb.ref('c.shipper_id')),
          eb('p.id', '=', eb.ref('c.consignee_id')),
          eb('p.id', '=', eb.ref('c.notify_party_id')),
          eb('p.id', '=', eb.ref('c.forwarder_id')),
        ]),
      ),
    )
    .select(['p.id', 'p.name', 'p.name_normalized', 'p.eori'])
    .where('c.id', 'in', ids)
    .execute();
  for (const p of parties) {
    if (!isToOrder(p.name)) into.add('party', p.id, 'party_name', p.name_normalized);
    into.add('party', p.id, 'party_identifier', p.eori);
  }
}

/** Identifier values of stored container events: the container, its seals and the vessel. */
export async function containerEventIdentifiers(
  db: Db,
  ids: readonly number[],
  into: LocalIdentifiers,
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom('container_events')
    .select(['id', 'container_number', 'seals', 'vessel_imo'])
    .where('id', 'in', ids)
    .execute();
  for (const r of rows) {
    into.add('container_event', r.id, 'container', r.container_number);
    into.addSeals('container_event', r.id, r.seals);
    into.add('container_event', r.id, 'imo', r.vessel_imo);
  }
}
