/**
 * The spine of the barrier: placing holds (in the selection's own transaction, so a selected
 * container is never without its hold), adding a required inspection, settling a hold when its
 * required inspections are complete, and the labelled outcome a settled hold leaves for model
 * training. Every change is audited and announced in the same transaction.
 *
 * Holds are sticky: a later selection run that no longer picks a container does not lift its
 * hold. Only completed inspections or a two-officer override do.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { HoldSource, HoldStatus, HoldsTable, InspectionType } from '../db/tables/inspection.ts';

type Trx = Transaction<DB>;

export type SelectionReasonCode = 'mandatory_profile' | 'risk' | 'exploration' | 'manual';

/** Hours a discharged import box usually waits before pick-up; the deadline when no departure is known. */
export const DEFAULT_DWELL_HOURS = 72;

/**
 * Required inspections by selection reason: a mandatory profile hit (an "always select" rule
 * written for a known method) is scanned and opened; every other selection is scanned, and a scan
 * anomaly refers the box to a physical inspection (`addRequirement`).
 */
export function requiredInspections(reason: SelectionReasonCode): InspectionType[] {
  return reason === 'mandatory_profile' ? ['scan', 'physical'] : ['scan'];
}

export interface HoldPlacement {
  containerId: number;
  assessmentId: number | null;
  reason: SelectionReasonCode;
  probability: number;
  score: number | null;
  /** Plain-words reason kept on the hold (for officers; never shown to terminals). */
  text: string;
  /** The inspections required; by default those of the selection reason (`requiredInspections`). */
  required?: readonly InspectionType[];
  /**
   * Appended to the hold key (container, port, day) for a second hold of the same port-day: a
   * manual hold placed after that day's hold was lifted. Selection holds never set it, so a
   * container whose hold of the day was lifted is not held again by a later selection run.
   */
  keySuffix?: string;
}

/**
 * Places a hold on each selected container of a port-day that has none for that day yet, with a
 * queued inspection per required kind. Returns the ids of the holds placed.
 */
export async function placeHolds(
  trx: Trx,
  port: string,
  date: string,
  placements: readonly HoldPlacement[],
  actor: string,
  source: HoldSource = 'selection',
): Promise<number[]> {
  const placed: number[] = [];
  for (let i = 0; i < placements.length; i += 500) {
    const part = placements.slice(i, i + 500);
    const rows = await sql<{
      id: number;
      container_id: number;
      container_number: string;
      required: InspectionType[];
      score: number | null;
      deadline: Date | null;
      reason: string;
    }>`
      insert into holds (hold_key, container_id, container_number, port_locode, decision_date, assessment_id, source,
                         selection_reason, selection_probability, score, required, reason, deadline, placed_by)
      select p.container_id || ' ' || ${port} || ' ' || ${date} || p.key_suffix, p.container_id, k.container_number, ${port},
             ${date}::date, p.assessment_id, ${source}, p.reason, p.probability, p.score,
             string_to_array(p.required, ','),
             p.text,
             coalesce(pc.etd, a.decision_at + make_interval(hours => ${DEFAULT_DWELL_HOURS})),
             ${actor}
        from unnest(${part.map((p) => p.containerId)}::bigint[], ${part.map((p) => p.assessmentId)}::bigint[],
                    ${part.map((p) => p.reason)}::text[], ${part.map((p) => p.probability)}::float8[],
                    ${part.map((p) => p.score)}::float8[], ${part.map((p) => p.text)}::text[],
                    ${part.map((p) => (p.required ?? requiredInspections(p.reason)).join(','))}::text[],
                    ${part.map((p) => p.keySuffix ?? '')}::text[])
             as p(container_id, assessment_id, reason, probability, score, text, required, key_suffix)
        join containers k on k.id = p.container_id
        left join assessments a on a.id = p.assessment_id
        left join consignments c on c.id = a.consignment_id
        left join port_calls pc on pc.id = c.port_call_id
       where not exists (select 1 from holds h where h.container_id = p.container_id and h.status = 'active')
      on conflict (hold_key) do nothing
      returning id, container_id, container_number, required, score, deadline, reason`.execute(trx);
    for (const h of rows.rows) {
      await queueInspections(trx, h.id, h.required);
      await writeAudit(trx, {
        actor,
        action: 'hold.placed',
        entityType: 'hold',
        entityId: h.id,
        // A selection's reasons are on its assessment; a manual hold's reason is the officer's own.
        ...(source === 'manual' ? { reason: h.reason } : {}),
        details: { containerNumber: h.container_number, port, date, required: h.required, source },
      });
      await emitEvent(trx, 'hold.placed', {
        holdId: h.id,
        containerNumber: h.container_number,
        port,
        required: h.required,
      });
      placed.push(h.id);
    }
  }
  return placed;
}

/** Queues one inspection of each kind the hold requires and does not have yet. */
async function queueInspections(trx: Trx, holdId: number, kinds: readonly InspectionType[]): Promise<void> {
  await sql`
    insert into inspections (hold_id, container_id, container_number, port_locode, kind, priority_score, deadline)
    select h.id, h.container_id, h.container_number, h.port_locode, k.kind, coalesce(h.score, 0), h.deadline
      from holds h, unnest(${kinds as InspectionType[]}::text[]) as k(kind)
     where h.id = ${holdId}
       and not exists (select 1 from inspections i where i.hold_id = h.id and i.kind = k.kind and i.status <> 'cancelled')`.execute(
    trx,
  );
}

/**
 * Adds a required inspection to an active hold (a scan anomaly refers the box to a physical
 * inspection) and queues it. Returns false when the hold is not active or already requires it.
 */
export async function addRequirement(
  trx: Trx,
  holdId: number,
  kind: InspectionType,
  actor: string,
  why: string,
): Promise<boolean> {
  const updated = await sql<{ id: number }>`
    update holds set required = array_append(required, ${kind}::text)
     where id = ${holdId} and status = 'active' and not (${kind}::text = any(required))
    returning id`.execute(trx);
  if (updated.rows.length === 0) return false;
  await queueInspections(trx, holdId, [kind]);
  await writeAudit(trx, {
    actor,
    action: 'hold.requirement_added',
    entityType: 'hold',
    entityId: holdId,
    reason: why,
    details: { kind },
  });
  return true;
}

/**
 * What settling a hold did: `released` lifts the barrier; `still_held` means a required inspection
 * is not completed yet; `held_for_findings` means every required inspection is completed but they
 * found something (see `findingsOfHold`), so the box stays until officers decide.
 */
export type SettleResult = 'released' | 'still_held' | 'held_for_findings' | 'not_active';

/** Something an inspection of a hold found that keeps the box held once the inspections are done. */
export interface Finding {
  kind: 'physical_anomaly' | 'positive_reading';
  inspectionId: number;
  readingId: number | null;
  /** Where the anomaly is, or the substance the reading found. */
  detail: string;
}

/**
 * The findings that stand on a hold: a physical inspection completed with an anomaly, and a
 * positive detection reading that no laboratory result of the same sample contradicted (a
 * laboratory `negative` that confirms it). A scan anomaly is not one: it refers the box to a
 * physical inspection, whose verdict decides.
 */
export async function findingsOfHold(db: Reader, holdId: number): Promise<Finding[]> {
  const rows = await sql<{
    kind: Finding['kind'];
    inspection_id: number;
    reading_id: number | null;
    detail: string;
  }>`
    select 'physical_anomaly' as kind, i.id as inspection_id, null::bigint as reading_id,
           coalesce(i.anomaly_region, '') as detail
      from inspections i
     where i.hold_id = ${holdId} and i.kind = 'physical' and i.status = 'completed' and i.verdict = 'anomaly'
    union all
    select 'positive_reading', r.inspection_id, r.id, coalesce(r.substance, '')
      from detection_readings r
      join inspections i on i.id = r.inspection_id
     where i.hold_id = ${holdId} and r.result = 'positive'
       and not exists (select 1 from detection_readings l
                        where l.confirms_reading_id = r.id and l.result = 'negative')
     order by 2, 3 nulls first`.execute(db);
  return rows.rows.map((r) => ({
    kind: r.kind,
    inspectionId: Number(r.inspection_id),
    readingId: r.reading_id === null ? null : Number(r.reading_id),
    detail: r.detail,
  }));
}

/**
 * Releases an active hold when every inspection it requires is completed and they found nothing
 * that stands; otherwise leaves it. A hold kept for findings has its labelled outcome written all
 * the same (its inspections are done), and is lifted only by a two-officer override, or released
 * here once a laboratory result clears its last finding. Locks the hold row so two inspections
 * finishing at once release it once.
 */
export async function settleHold(trx: Trx, holdId: number, actor: string): Promise<SettleResult> {
  const hold = await trx
    .selectFrom('holds')
    .select(['id', 'status', 'required', 'container_number'])
    .where('id', '=', holdId)
    .forUpdate()
    .executeTakeFirst();
  if (hold?.status !== 'active') return 'not_active';
  if (!(await inspectionsComplete(trx, holdId, hold.required))) return 'still_held';
  const findings = await findingsOfHold(trx, holdId);
  if (findings.length > 0) {
    await writeAudit(trx, {
      actor,
      action: 'hold.kept_for_findings',
      entityType: 'hold',
      entityId: holdId,
      reason: 'required inspections complete, with findings: officers decide',
      details: { containerNumber: hold.container_number, findings },
    });
    await recordHoldOutcome(trx, holdId);
    return 'held_for_findings';
  }
  await trx
    .updateTable('holds')
    .set({ status: 'released', released_at: new Date(), released_by: actor })
    .where('id', '=', holdId)
    .execute();
  await writeAudit(trx, {
    actor,
    action: 'hold.released',
    entityType: 'hold',
    entityId: holdId,
    reason: 'required inspections complete',
    details: { containerNumber: hold.container_number, required: hold.required },
  });
  await emitEvent(trx, 'hold.released', {
    holdId,
    containerNumber: hold.container_number,
    via: 'inspections',
  });
  await recordHoldOutcome(trx, holdId);
  return 'released';
}

/**
 * Writes (or rewrites) the labelled outcome of a hold whose inspections are complete: a hit when a
 * seizure was recorded against the hold, with the hold's selection probability so training can
 * weight exploration picks. Called when the hold settles and again when a seizure is recorded
 * later (a laboratory result can turn a clear into a hit). Does nothing for a hold without a
 * completed inspection.
 */
export async function recordHoldOutcome(trx: Trx, holdId: number): Promise<void> {
  await sql`
    insert into inspection_outcomes (container_id, consignment_id, assessment_id, inspected_at, kind, hit,
                                     selection_probability, source, hold_id)
    select h.container_id, a.consignment_id, h.assessment_id, i.last_completed,
           case when h.required @> array['physical'] then 'scan_and_physical' else 'scan' end,
           exists (select 1 from seizures s where s.hold_id = h.id),
           h.selection_probability, 'inspection:' || coalesce(h.selection_reason, h.source), h.id
      from holds h
      left join assessments a on a.id = h.assessment_id
      cross join lateral (select max(completed_at) as last_completed from inspections
                           where hold_id = h.id and status = 'completed') i
     where h.id = ${holdId} and i.last_completed is not null
    on conflict (hold_id) do update
       set hit = excluded.hit, kind = excluded.kind, inspected_at = excluded.inspected_at`.execute(trx);
}

/** Reads of holds for officers (the API and CLI); the release gate has its own lookup in gate.repo.ts. */
type Reader = Kysely<DB> | Trx;

const holdColumns = [
  'id',
  'container_id',
  'container_number',
  'port_locode',
  'decision_date',
  'assessment_id',
  'source',
  'selection_reason',
  'selection_probability',
  'score',
  'required',
  'status',
  'reason',
  'deadline',
  'placed_at',
  'placed_by',
  'released_at',
  'released_by',
] as const;

export type HoldRow = Pick<Selectable<HoldsTable>, (typeof holdColumns)[number]>;

export interface HoldFilter {
  port?: string | undefined;
  status?: HoldStatus | undefined;
  containerNumber?: string | undefined;
  /** Holds with an id below this one (paging, newest first). */
  beforeId?: number | undefined;
  limit: number;
}

/** Holds, newest first. */
export async function listHolds(db: Reader, filter: HoldFilter): Promise<HoldRow[]> {
  let q = db.selectFrom('holds').select(holdColumns).orderBy('id', 'desc').limit(filter.limit);
  if (filter.port) q = q.where('port_locode', '=', filter.port);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.containerNumber) q = q.where('container_number', '=', filter.containerNumber);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}

export async function findHold(db: Reader, id: number): Promise<HoldRow | undefined> {
  return db.selectFrom('holds').select(holdColumns).where('id', '=', id).executeTakeFirst();
}

/** The hold row, locked until the end of the transaction (an override and a settle cannot cross). */
export async function lockHold(trx: Trx, id: number): Promise<HoldRow | undefined> {
  return trx.selectFrom('holds').select(holdColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The inspections of a hold, oldest first (cancelled ones included: they are part of its story). */
export async function inspectionsOfHold(db: Reader, holdId: number) {
  return db
    .selectFrom('inspections')
    .select([
      'id',
      'kind',
      'status',
      'scanner_id',
      'assigned_to',
      'queued_at',
      'started_at',
      'completed_at',
      'completed_by',
      'verdict',
      'anomaly_region',
    ])
    .where('hold_id', '=', holdId)
    .orderBy('id')
    .execute();
}

/** The id of a container by number, registering a number Tandem has not seen yet (a manual hold on a box still at sea). */
export async function containerIdOf(trx: Trx, containerNumber: string): Promise<number> {
  // The ingest fills size and type when the box's manifest or first event arrives.
  const row = await sql<{ id: number }>`
    insert into containers (container_number, owner_code) values (${containerNumber}, ${containerNumber.slice(0, 4)})
    on conflict (container_number) do update set container_number = excluded.container_number
    returning id`.execute(trx);
  return row.rows[0]!.id;
}

/** The active hold of a container, if any. */
export async function activeHoldOf(
  db: Reader,
  containerId: number,
): Promise<{ id: number; required: InspectionType[] } | undefined> {
  return db
    .selectFrom('holds')
    .select(['id', 'required'])
    .where('container_id', '=', containerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** Lifts an active hold by an approved override (the caller holds the row lock and audits). */
export async function markOverridden(trx: Trx, holdId: number, actor: string, at: Date): Promise<void> {
  await trx
    .updateTable('holds')
    .set({ status: 'overridden', released_at: at, released_by: actor })
    .where('id', '=', holdId)
    .where('status', '=', 'active')
    .execute();
}

/**
 * Cancels the inspections of an overridden hold that have not started (queued or assigned), so
 * the scan queue does not keep a box that has left; returns their ids. Started ones may finish.
 */
export async function cancelUnstartedInspections(trx: Trx, holdId: number): Promise<number[]> {
  const rows = await trx
    .updateTable('inspections')
    .set({ status: 'cancelled' })
    .where('hold_id', '=', holdId)
    .where('status', 'in', ['queued', 'assigned'])
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** True when every inspection the hold requires has been completed. */
export async function inspectionsComplete(
  db: Reader,
  holdId: number,
  required: readonly InspectionType[],
): Promise<boolean> {
  const done = await db
    .selectFrom('inspections')
    .select('kind')
    .where('hold_id', '=', holdId)
    .where('status', '=', 'completed')
    .execute();
  const completed = new Set(done.map((d) => d.kind));
  return required.every((k) => completed.has(k));
}
