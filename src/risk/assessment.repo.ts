/**
 * SQL of assessments, selection runs, scanner capacities and inspection outcomes (migration 0003).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { SelectionReason } from '../db/tables/risk-assessment.ts';
import { ASSESSMENT_WINDOW_DAYS } from '../inspection/gate.ts';
import type { AssessmentDraft } from './assessment.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** When and where a consignment's containers are decided on. */
export interface DecisionPoint {
  consignmentId: number;
  portLocode: string;
  /** Arrival of the call (actual, else expected), else the declaration or ingest time. */
  arrival: Date;
  /** When the consignment became known (declared_at, else ingest time), as the risk view defines it. */
  knownAt: Date;
}

const arrivalOf = sql<Date>`coalesce(pc.ata, pc.eta, c.declared_at, c.created_at)`;
const knownAtOf = sql<Date>`coalesce(c.declared_at, c.created_at)`;
const portOf = sql<string | null>`coalesce(pc.port_locode, c.port_locode)`;

function decisionQuery(db: Db) {
  return db
    .selectFrom('consignments as c')
    .leftJoin('port_calls as pc', 'pc.id', 'c.port_call_id')
    .select([
      'c.id as consignmentId',
      portOf.as('portLocode'),
      arrivalOf.as('arrival'),
      knownAtOf.as('knownAt'),
    ]);
}

function toDecisionPoints(
  rows: { consignmentId: number; portLocode: string | null; arrival: Date; knownAt: Date }[],
): DecisionPoint[] {
  return rows.flatMap((r) => (r.portLocode ? [{ ...r, portLocode: r.portLocode }] : []));
}

/** Decision points of the given consignments; consignments without a port are left out. */
export async function decisionPoints(db: Db, consignmentIds: number[]): Promise<DecisionPoint[]> {
  if (consignmentIds.length === 0) return [];
  return toDecisionPoints(await decisionQuery(db).where('c.id', 'in', consignmentIds).execute());
}

/** Decision points of the consignments arriving at `port` on `date` (UTC day). */
export async function decisionPointsOfDay(db: Db, port: string, date: string): Promise<DecisionPoint[]> {
  const from = new Date(`${date}T00:00:00Z`);
  const to = new Date(from.getTime() + 86_400_000);
  return toDecisionPoints(
    await decisionQuery(db)
      .where(portOf, '=', port)
      .where(arrivalOf, '>=', from)
      .where(arrivalOf, '<', to)
      .execute(),
  );
}

/**
 * Consignments already assessed whose containers appear in the given container events: a
 * discharge report can show a changed seal, so they are assessed again.
 */
export async function assessedConsignmentsOfEvents(db: Db, eventIds: number[]): Promise<number[]> {
  if (eventIds.length === 0) return [];
  const rows = await db
    .selectFrom('assessments as a')
    .innerJoin('container_events as e', 'e.container_id', 'a.container_id')
    .select('a.consignment_id')
    .distinct()
    .where('e.id', 'in', eventIds)
    // Only decisions still open: an event long after the decision day does not reopen it.
    .where(sql<boolean>`e.occurred_at < a.decision_date + interval '2 days'`)
    .execute();
  return rows.map((r) => r.consignment_id);
}

/** The database's clock now (the time ingest's stamps are written in). */
export async function databaseClock(db: Db): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return new Date(rows[0]!.now);
}

/** Containers per statement when clearing stamps: short statements let the gate's in between. */
const CLEAR_CHUNK = 250;

/**
 * Clears the gate's "assessment due" stamp of containers just assessed and selected, when it was
 * set before `readFrom` (a correction stamped later keeps its container waiting for the next run)
 * and every recent consignment of the container that risk targeting takes (one with a port) has
 * its assessment: a box shared by several manifests waits until the last of them is assessed.
 */
export async function clearAssessmentDue(
  db: Db,
  containerIds: readonly number[],
  readFrom: Date,
): Promise<void> {
  for (let i = 0; i < containerIds.length; i += CLEAR_CHUNK) {
    await sql`update containers c set assessment_due_at = null
               where c.id = any(${containerIds.slice(i, i + CLEAR_CHUNK)}::bigint[])
                 and c.assessment_due_at <= ${readFrom}
                 and not exists (
                   select 1 from consignment_containers cc
                     join consignments k on k.id = cc.consignment_id
                     left join port_calls pc on pc.id = k.port_call_id
                    where cc.container_id = c.id
                      and k.created_at > now() - make_interval(days => ${ASSESSMENT_WINDOW_DAYS})
                      and coalesce(pc.port_locode, k.port_locode) is not null
                      and not exists (select 1 from assessments a
                                       where a.consignment_id = k.id and a.container_id = c.id))`.execute(db);
  }
}

export interface AssessmentWrite extends AssessmentDraft {
  containerId: number;
  consignmentId: number;
  portLocode: string;
  decisionDate: string;
  decisionAt: Date;
}

/**
 * Stores the assessments of containers in consignments, replacing earlier ones: a re-run keeps
 * the row (and its id, which outcomes refer to) but not a selection, which the selection run of
 * the day then decides again. A manual selection is an officer's act and stays. One statement
 * per 500 rows.
 */
export async function upsertAssessments(db: Db, assessments: readonly AssessmentWrite[]): Promise<void> {
  const assessedAt = new Date();
  for (let i = 0; i < assessments.length; i += 500) {
    const values = assessments.slice(i, i + 500).map((a) => ({
      container_id: a.containerId,
      consignment_id: a.consignmentId,
      port_locode: a.portLocode,
      decision_date: a.decisionDate,
      decision_at: a.decisionAt,
      assessed_at: assessedAt,
      score: a.score,
      probability: a.probability,
      profile_hits: JSON.stringify(a.profileHits),
      contributions: JSON.stringify(a.contributions),
      model_version: a.modelVersion,
      profile_versions: JSON.stringify(a.profileVersions),
      mandatory: a.mandatory,
      reason: a.explanation,
    }));
    await db
      .insertInto('assessments')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['consignment_id', 'container_id']).doUpdateSet((eb) => ({
          port_locode: eb.ref('excluded.port_locode'),
          decision_date: eb.ref('excluded.decision_date'),
          decision_at: eb.ref('excluded.decision_at'),
          assessed_at: eb.ref('excluded.assessed_at'),
          score: eb.ref('excluded.score'),
          probability: eb.ref('excluded.probability'),
          profile_hits: eb.ref('excluded.profile_hits'),
          contributions: eb.ref('excluded.contributions'),
          model_version: eb.ref('excluded.model_version'),
          profile_versions: eb.ref('excluded.profile_versions'),
          mandatory: eb.ref('excluded.mandatory'),
          reason: eb.ref('excluded.reason'),
          selected: sql<boolean>`coalesce(assessments.selection_reason = 'manual', false)`,
          selection_reason: sql<SelectionReason | null>`case when assessments.selection_reason = 'manual' then 'manual' end`,
          selection_probability: sql<
            number | null
          >`case when assessments.selection_reason = 'manual' then 1 end`,
        })),
      )
      .execute();
  }
}

export interface CandidateRow {
  id: number;
  containerId: number;
  score: number;
  mandatory: boolean;
  /** Mandatory because of a partner alert alone (no always-select profile hit). */
  mandatoryByPartnerAlert: boolean;
  manual: boolean;
  reason: string;
}

const selectsByProfile = (hits: unknown[]): boolean =>
  hits.some((h) => typeof h === 'object' && h !== null && 'action' in h && h.action === 'select');

/** Every assessment of a port-day, the candidates of its selection. */
export async function candidatesOfDay(db: Db, port: string, date: string): Promise<CandidateRow[]> {
  const rows = await db
    .selectFrom('assessments')
    .select(['id', 'container_id', 'score', 'mandatory', 'profile_hits', 'selection_reason', 'reason'])
    .where('port_locode', '=', port)
    .where('decision_date', '=', date)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    containerId: r.container_id,
    score: r.score,
    mandatory: r.mandatory,
    mandatoryByPartnerAlert: r.mandatory && !selectsByProfile(r.profile_hits),
    manual: r.selection_reason === 'manual',
    reason: r.reason,
  }));
}

/**
 * Containers that earlier selection runs of the port-day held (whatever the hold's state now), with
 * the reason and probability of that selection. Holds are sticky, so these keep their place in
 * every later run of the day.
 */
export async function selectionHoldsOfDay(
  db: Db,
  port: string,
  date: string,
): Promise<Map<number, { reason: SelectionReason; probability: number }>> {
  const rows = await db
    .selectFrom('holds')
    .select(['container_id', 'selection_reason', 'selection_probability'])
    .where('port_locode', '=', port)
    .where('decision_date', '=', date)
    .where('source', 'in', ['selection', 'partner_alert'])
    .where('selection_reason', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [
      r.container_id,
      { reason: r.selection_reason as SelectionReason, probability: r.selection_probability },
    ]),
  );
}

/** What a correlation hit names: the entity it matched. */
export interface HitTarget {
  entityType: 'container' | 'consignment' | 'container_event' | 'port_call' | 'party';
  entityId: number;
}

/**
 * Consignments whose decision is still open (decision day not more than a day past) and that a
 * correlation hit concerns: through the container, the consignment itself, its vessel's call or
 * one of its parties. They are assessed again when the hit arrives after their assessment.
 */
export async function openConsignmentsOfHits(
  db: Db,
  targets: readonly HitTarget[],
  now: Date,
): Promise<number[]> {
  if (targets.length === 0) return [];
  const of = (t: HitTarget['entityType']) => targets.filter((x) => x.entityType === t).map((x) => x.entityId);
  const ids = (list: number[]) => sql`any(${list}::bigint[])`;
  const result = await sql<{ id: number }>`
    select distinct a.consignment_id as id
      from assessments a
      join consignments c on c.id = a.consignment_id
     where a.decision_date >= (${now}::timestamptz - interval '1 day')::date
       and (   a.container_id = ${ids(of('container'))}
            or a.container_id in (select container_id from container_events where id = ${ids(of('container_event'))})
            or a.consignment_id = ${ids(of('consignment'))}
            or c.port_call_id = ${ids(of('port_call'))}
            or c.shipper_id = ${ids(of('party'))} or c.consignee_id = ${ids(of('party'))}
            or c.notify_party_id = ${ids(of('party'))} or c.forwarder_id = ${ids(of('party'))})`.execute(db);
  return result.rows.map((r) => Number(r.id));
}

/** The entities matched by the hits of one alert (to re-assess them when the alert is withdrawn). */
export async function hitTargetsOfAlert(db: Db, alertId: number): Promise<HitTarget[]> {
  const rows = await db
    .selectFrom('intel_hits')
    .select(['entity_type', 'entity_id'])
    .where('alert_id', '=', alertId)
    .execute();
  return rows.map((r) => ({ entityType: r.entity_type, entityId: r.entity_id }));
}

export interface SelectionWrite {
  id: number;
  selected: boolean;
  reason: SelectionReason | null;
  probability: number | null;
  text: string;
}

/**
 * Records the outcome of a selection run on each assessment of the day, in one statement per
 * thousand rows (a port-day holds thousands of containers and is re-selected after every batch).
 */
export async function writeSelection(trx: Transaction<DB>, updates: SelectionWrite[]): Promise<void> {
  for (let i = 0; i < updates.length; i += 1000) {
    const part = updates.slice(i, i + 1000);
    await sql`
      update assessments a
         set selected = u.selected, selection_reason = u.reason, selection_probability = u.probability, reason = u.text
        from unnest(${part.map((u) => u.id)}::bigint[], ${part.map((u) => u.selected)}::boolean[],
                    ${part.map((u) => u.reason)}::text[], ${part.map((u) => u.probability)}::float8[],
                    ${part.map((u) => u.text)}::text[]) as u(id, selected, reason, probability, text)
       where a.id = u.id`.execute(trx);
  }
}

export interface SelectionRunWrite {
  port: string;
  date: string;
  capacity: number;
  candidates: number;
  selected: number;
  mandatory: number;
  exploration: number;
  overCapacity: number;
  seed: string;
}

export async function upsertSelectionRun(trx: Transaction<DB>, r: SelectionRunWrite): Promise<void> {
  const values = {
    port_locode: r.port,
    decision_date: r.date,
    ran_at: new Date(),
    capacity: r.capacity,
    candidates: r.candidates,
    selected: r.selected,
    mandatory: r.mandatory,
    exploration: r.exploration,
    over_capacity: r.overCapacity,
    seed: r.seed,
  };
  await trx
    .insertInto('selection_runs')
    .values(values)
    .onConflict((oc) => oc.columns(['port_locode', 'decision_date']).doUpdateSet(values))
    .execute();
}

export async function selectionRun(db: Db, port: string, date: string) {
  return db
    .selectFrom('selection_runs')
    .selectAll()
    .where('port_locode', '=', port)
    .where('decision_date', '=', date)
    .executeTakeFirst();
}

/** The day's capacity of a port's scanners, or undefined when none is configured. */
export async function scannerCapacity(db: Db, port: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('scanner_capacity')
    .select('containers_per_day')
    .where('port_locode', '=', port)
    .executeTakeFirst();
  return row?.containers_per_day;
}

export async function setScannerCapacity(
  db: Db,
  port: string,
  containersPerDay: number,
  actor: string,
): Promise<void> {
  const values = {
    port_locode: port,
    containers_per_day: containersPerDay,
    updated_at: new Date(),
    updated_by: actor,
  };
  await db
    .insertInto('scanner_capacity')
    .values(values)
    .onConflict((oc) => oc.column('port_locode').doUpdateSet(values))
    .execute();
}

export async function listScannerCapacities(db: Db) {
  return db.selectFrom('scanner_capacity').selectAll().orderBy('port_locode').execute();
}

const assessmentColumns = [
  'a.id',
  'a.container_id',
  'k.container_number',
  'a.consignment_id',
  'c.transport_document_number',
  'a.port_locode',
  'a.decision_date',
  'a.decision_at',
  'a.assessed_at',
  'a.score',
  'a.probability',
  'a.profile_hits',
  'a.contributions',
  'a.model_version',
  'a.profile_versions',
  'a.mandatory',
  'a.selected',
  'a.selection_reason',
  'a.selection_probability',
  'a.reason',
] as const;

function assessmentQuery(db: Db) {
  return db
    .selectFrom('assessments as a')
    .innerJoin('containers as k', 'k.id', 'a.container_id')
    .innerJoin('consignments as c', 'c.id', 'a.consignment_id')
    .select(assessmentColumns);
}

export type AssessmentRow = Awaited<ReturnType<typeof getAssessment>>;

export async function getAssessment(db: Db, id: number) {
  return assessmentQuery(db).where('a.id', '=', id).executeTakeFirst();
}

/** The selected containers of a port-day, mandatory and manual first, then by score. */
export async function worklistOfDay(db: Db, port: string, date: string) {
  return assessmentQuery(db)
    .where('a.port_locode', '=', port)
    .where('a.decision_date', '=', date)
    .where('a.selected', '=', true)
    .orderBy(
      sql`case a.selection_reason when 'manual' then 0 when 'mandatory_profile' then 1 when 'risk' then 2 else 3 end`,
    )
    .orderBy('a.score', 'desc')
    .orderBy('a.id')
    .execute();
}

export interface OutcomeWrite {
  containerId: number;
  consignmentId: number | null;
  assessmentId: number | null;
  inspectedAt: Date;
  kind: 'scan' | 'physical' | 'chemical' | 'scan_and_physical';
  hit: boolean;
  selectionProbability: number;
  source: string;
}

/** Records an inspection outcome; the same inspection recorded twice is stored once. */
export async function recordOutcome(db: Db, o: OutcomeWrite): Promise<void> {
  await db
    .insertInto('inspection_outcomes')
    .values({
      container_id: o.containerId,
      consignment_id: o.consignmentId,
      assessment_id: o.assessmentId,
      inspected_at: o.inspectedAt,
      kind: o.kind,
      hit: o.hit,
      selection_probability: o.selectionProbability,
      source: o.source,
    })
    .onConflict((oc) => oc.columns(['container_id', 'inspected_at', 'kind', 'source']).doNothing())
    .execute();
}

export interface LabelRow {
  consignmentId: number;
  containerId: number;
  inspectedAt: Date;
  hit: boolean;
  selectionProbability: number;
}

/**
 * Inspection outcomes of consignments decided in [from, to): the training labels. A container
 * inspected more than once counts as hit when any inspection found something, weighted by the
 * smallest selection probability (the least likely way it came to be inspected).
 */
export async function labelsBetween(db: Db, from: Date, to: Date): Promise<LabelRow[]> {
  const rows = await db
    .selectFrom('inspection_outcomes as o')
    .select([
      'o.consignment_id',
      'o.container_id',
      sql<Date>`min(o.inspected_at)`.as('inspected_at'),
      sql<boolean>`bool_or(o.hit)`.as('hit'),
      sql<number>`min(o.selection_probability)`.as('p'),
    ])
    .where('o.consignment_id', 'is not', null)
    .where('o.inspected_at', '>=', from)
    .where('o.inspected_at', '<', to)
    .groupBy(['o.consignment_id', 'o.container_id'])
    .orderBy(sql`min(o.inspected_at)`)
    .execute();
  return rows.flatMap((r) =>
    r.consignment_id == null
      ? []
      : [
          {
            consignmentId: r.consignment_id,
            containerId: r.container_id,
            inspectedAt: r.inspected_at,
            hit: r.hit,
            selectionProbability: r.p,
          },
        ],
  );
}
