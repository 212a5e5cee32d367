/**
 * The feedback loop. When a container that matched a partner alert (an `intel_hits` row of a
 * received alert, through the container, one of its events, its consignment or that
 * consignment's parties) is inspected, the outcome goes back to the agency that issued the alert,
 * within the sharing policy (object type `feedback`, with the alert's TLP). Triggered by the
 * barrier's outbox events `hold.released` and `seizure.recorded`; one feedback per alert and hold
 * (or seizure without a hold), a new version whenever the outcome changes, so a seizure recorded
 * after a clear release updates the same feedback at the originator.
 *
 * Also: storing a partner's feedback against our alert, and the statistics of seizures made
 * thanks to partner intelligence in both directions.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import { consumeEvents, emitEvent, type OutboxEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import type { FeedbackSeizure, IntelFeedbackTable } from '../db/tables/federation-objects.ts';
import { errors } from '../errors.ts';
import { federationErrors } from '../federation/errors.ts';
import { approveHeldShares, queueObjectShares } from '../federation/object-queue.ts';
import type { FeedbackWire } from '../federation/object-wire.ts';
import type { Partner } from '../federation/partners.repo.ts';
import type { PartnerShareOutcome } from '../federation/share-queue.ts';
import { roundMass } from '../lib/mass.ts';

type Db = Kysely<DB> | Transaction<DB>;
type FeedbackRow = Selectable<IntelFeedbackTable>;

export const FEEDBACK_CONSUMER = 'intel.feedback';
const FEEDBACK_ACTOR = 'system:feedback';

export interface FeedbackView {
  id: number;
  uid: string;
  direction: 'sent' | 'received';
  alertId: number;
  alertUid: string;
  reportingAgency: string;
  containerNumber: string;
  version: number;
  inspected: { at: string | null; kinds: string[] };
  result: { found: false } | { found: true; seizures: FeedbackSeizure[] };
  tlp: string;
  createdAt: string;
  updatedAt: string;
}

export function toFeedbackView(r: FeedbackRow): FeedbackView {
  return {
    id: r.id,
    uid: r.uid,
    direction: r.direction,
    alertId: r.alert_id,
    alertUid: r.alert_uid,
    reportingAgency: r.reporting_agency,
    containerNumber: r.container_number,
    version: r.version,
    inspected: { at: r.inspected_at?.toISOString() ?? null, kinds: r.inspection_kinds },
    result: r.found ? { found: true, seizures: r.seizures } : { found: false },
    tlp: r.tlp,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** What was acted on: a hold (with its inspections and seizures) or a seizure made without a hold. */
export interface Outcome {
  key: string;
  containerId: number;
  containerNumber: string;
  inspectedAt: Date | null;
  kinds: string[];
  seizures: (FeedbackSeizure & { id: number })[];
}

async function outcomeOfHold(db: Db, holdId: number): Promise<Outcome | undefined> {
  const hold = await db
    .selectFrom('holds')
    .select(['id', 'container_id', 'container_number'])
    .where('id', '=', holdId)
    .executeTakeFirst();
  if (!hold) return undefined;
  const inspections = await db
    .selectFrom('inspections')
    .select(['kind', 'completed_at'])
    .where('hold_id', '=', holdId)
    .where('status', '=', 'completed')
    .execute();
  const seizures = await seizuresWhere(db, 'hold_id', holdId);
  return {
    key: `hold:${holdId}`,
    containerId: hold.container_id,
    containerNumber: hold.container_number,
    inspectedAt: latest([...inspections.map((i) => i.completed_at), ...seizures.map((s) => s.seizedAt)]),
    kinds: [...new Set(inspections.map((i) => i.kind))].sort(),
    seizures: seizures.map(({ seizedAt: _, ...s }) => s),
  };
}

async function outcomeOfSeizure(db: Db, seizureId: number): Promise<Outcome | undefined> {
  const [s] = await seizuresWhere(db, 'id', seizureId);
  const row = await db
    .selectFrom('seizures')
    .select(['container_id', 'container_number', 'hold_id'])
    .where('id', '=', seizureId)
    .executeTakeFirst();
  if (!s || !row) return undefined;
  if (row.hold_id !== null) return outcomeOfHold(db, row.hold_id);
  const { seizedAt, ...seizure } = s;
  return {
    key: `seizure:${seizureId}`,
    containerId: row.container_id,
    containerNumber: row.container_number,
    inspectedAt: seizedAt,
    kinds: [],
    seizures: [seizure],
  };
}

async function seizuresWhere(db: Db, column: 'hold_id' | 'id', value: number) {
  const rows = await db
    .selectFrom('seizures')
    .select(['id', 'seizure_ref', 'substance', 'net_mass_kg', 'concealment', 'packages', 'seized_at'])
    .where(column, '=', value)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    ref: r.seizure_ref,
    substance: r.substance,
    netMassKg: Number(r.net_mass_kg),
    concealment: r.concealment,
    packages: r.packages,
    seizedAt: r.seized_at,
  }));
}

function latest(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

/** Received (partner) alerts with a hit on the container, one of its events, its consignments or their parties. */
async function partnerAlertsMatching(db: Db, containerId: number) {
  const consignments = db
    .selectFrom('consignment_containers')
    .select('consignment_id')
    .where('container_id', '=', containerId);
  const parties = db
    .selectFrom('consignments as c')
    .innerJoin('consignment_containers as cc', 'cc.consignment_id', 'c.id')
    .where('cc.container_id', '=', containerId)
    .select(
      sql<number>`unnest(array[c.shipper_id, c.consignee_id, c.notify_party_id, c.forwarder_id])`.as(
        'party_id',
      ),
    );
  const events = db.selectFrom('container_events').select('id').where('container_id', '=', containerId);
  return db
    .selectFrom('intel_alerts as a')
    .select(['a.id', 'a.uid', 'a.origin_agency', 'a.tlp'])
    .where('a.local', '=', false)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('intel_hits as h')
          .select('h.id')
          .whereRef('h.alert_id', '=', 'a.id')
          .where((w) =>
            w.or([
              w.and([w('h.entity_type', '=', 'container'), w('h.entity_id', '=', containerId)]),
              w.and([w('h.entity_type', '=', 'consignment'), w('h.entity_id', 'in', consignments)]),
              w.and([w('h.entity_type', '=', 'container_event'), w('h.entity_id', 'in', events)]),
              w.and([w('h.entity_type', '=', 'party'), w('h.entity_id', 'in', parties)]),
            ]),
          ),
      ),
    )
    .orderBy('a.id')
    .execute();
}

function wireOf(row: FeedbackRow, alertOrigin: string): FeedbackWire {
  return {
    uid: row.uid,
    version: row.version,
    alertUid: row.alert_uid,
    alertOrigin,
    reportingAgency: row.reporting_agency,
    containerNumber: row.container_number,
    tlp: row.tlp,
    inspected: {
      at: row.inspected_at?.toISOString() ?? null,
      kinds: row.inspection_kinds.filter((k): k is 'scan' | 'physical' => k === 'scan' || k === 'physical'),
    },
    result: row.found
      ? {
          found: true,
          seizures: row.seizures.map((s) => ({
            ref: s.ref,
            substance: s.substance as never,
            netMassKg: s.netMassKg,
            concealment: s.concealment as never,
            packages: s.packages,
          })),
        }
      : { found: false },
  };
}

const sameContent = (row: FeedbackRow, o: Outcome): boolean =>
  row.found === o.seizures.length > 0 &&
  (row.inspected_at?.getTime() ?? null) === (o.inspectedAt?.getTime() ?? null) &&
  JSON.stringify(row.inspection_kinds) === JSON.stringify(o.kinds) &&
  JSON.stringify(row.seizure_ids) === JSON.stringify(o.seizures.map((s) => s.id));

/**
 * Records (or updates) the feedback of an outcome for every partner alert that matched the
 * container, and queues it for the alert's originator under the policy. Idempotent: an unchanged
 * outcome adds no version and queues nothing. Returns the feedback rows that changed.
 */
export async function recordFeedback(
  trx: Transaction<DB>,
  agencyCode: string,
  outcome: Outcome,
): Promise<{ feedbackId: number; version: number; sharing: PartnerShareOutcome[] }[]> {
  if (outcome.kinds.length === 0 && outcome.seizures.length === 0) return [];
  const changed = [];
  for (const alert of await partnerAlertsMatching(trx, outcome.containerId)) {
    const existing = await trx
      .selectFrom('intel_feedback')
      .selectAll()
      .where('alert_id', '=', alert.id)
      .where('outcome_key', '=', outcome.key)
      .forUpdate()
      .executeTakeFirst();
    if (existing && sameContent(existing, outcome)) continue;
    const values = {
      container_number: outcome.containerNumber,
      inspected_at: outcome.inspectedAt,
      inspection_kinds: outcome.kinds,
      found: outcome.seizures.length > 0,
      seizures: JSON.stringify(outcome.seizures.map(({ id: _, ...s }) => s)),
      seizure_ids: outcome.seizures.map((s) => s.id),
      net_mass_kg: outcome.seizures.reduce((sum, s) => sum + s.netMassKg, 0),
      tlp: alert.tlp,
      updated_at: new Date(),
    };
    const row = existing
      ? await trx
          .updateTable('intel_feedback')
          .set({ ...values, version: existing.version + 1 })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('intel_feedback')
          .values({
            ...values,
            uid: randomUUID(),
            direction: 'sent',
            alert_id: alert.id,
            alert_uid: alert.uid,
            reporting_agency: agencyCode,
            outcome_key: outcome.key,
            version: 1,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    const sharing = await queueObjectShares(trx, {
      type: 'feedback',
      id: row.id,
      version: row.version,
      tlp: alert.tlp,
      // Feedback goes back to where the alert came from, and nowhere else.
      recipients: [alert.origin_agency],
      audience: [alert.origin_agency],
      upsert: { kind: 'feedback.upsert', payload: () => wireOf(row, alert.origin_agency) },
    });
    await writeAudit(trx, {
      actor: FEEDBACK_ACTOR,
      action: existing ? 'feedback.update' : 'feedback.create',
      entityType: 'intel_feedback',
      entityId: row.id,
      details: {
        alertUid: alert.uid,
        origin: alert.origin_agency,
        outcome: outcome.key,
        found: row.found,
        version: row.version,
        sharing,
      },
    });
    changed.push({ feedbackId: row.id, version: row.version, sharing });
  }
  return changed;
}

/** Handles the barrier events of one batch; each in its own transaction. */
export async function feedbackFromEvents(
  db: Kysely<DB>,
  agencyCode: string,
  events: readonly OutboxEvent[],
): Promise<number> {
  let changed = 0;
  for (const e of events) {
    const holdId = typeof e.payload.holdId === 'number' ? e.payload.holdId : null;
    const seizureId = typeof e.payload.seizureId === 'number' ? e.payload.seizureId : null;
    changed += await db.transaction().execute(async (trx) => {
      const outcome =
        holdId !== null
          ? await outcomeOfHold(trx, holdId)
          : seizureId !== null
            ? await outcomeOfSeizure(trx, seizureId)
            : undefined;
      return outcome ? (await recordFeedback(trx, agencyCode, outcome)).length : 0;
    });
  }
  return changed;
}

/** Handles the next batch of barrier events; returns how many events were read (0 when caught up). */
export async function feedbackNextBatch(db: Kysely<DB>, agencyCode: string): Promise<number> {
  return consumeEvents(db, FEEDBACK_CONSUMER, ['hold.released', 'seizure.recorded'], async (events) => {
    await feedbackFromEvents(db, agencyCode, events);
  });
}

/** Stores a partner's feedback on one of our alerts; a newer version replaces the one held. */
export async function receiveFeedback(
  trx: Transaction<DB>,
  wire: FeedbackWire,
  partner: Partner,
): Promise<'applied' | 'stale'> {
  const alert = await trx
    .selectFrom('intel_alerts')
    .select(['id', 'uid', 'local'])
    .where('uid', '=', wire.alertUid)
    .executeTakeFirst();
  if (!alert?.local) throw federationErrors.unknownObject('alert issued by this instance', wire.alertUid);
  const existing = await trx
    .selectFrom('intel_feedback')
    .select(['id', 'version', 'direction', 'reporting_agency'])
    .where('uid', '=', wire.uid)
    .executeTakeFirst();
  if (existing && (existing.direction !== 'received' || existing.reporting_agency !== partner.code))
    throw federationErrors.notOwner(partner.code, wire.uid);
  if (existing && existing.version >= wire.version) return 'stale';
  const seizures = wire.result.found ? wire.result.seizures : [];
  const values = {
    container_number: wire.containerNumber,
    version: wire.version,
    inspected_at: wire.inspected.at,
    inspection_kinds: wire.inspected.kinds,
    found: wire.result.found,
    seizures: JSON.stringify(seizures),
    net_mass_kg: seizures.reduce((sum, s) => sum + s.netMassKg, 0),
    tlp: wire.tlp,
    updated_at: new Date(),
  };
  const row = existing
    ? await trx
        .updateTable('intel_feedback')
        .set(values)
        .where('id', '=', existing.id)
        .returning('id')
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('intel_feedback')
        .values({
          ...values,
          uid: wire.uid,
          direction: 'received',
          alert_id: alert.id,
          alert_uid: alert.uid,
          reporting_agency: partner.code,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
  await writeAudit(trx, {
    actor: `partner:${partner.code}`,
    action: 'feedback.receive',
    entityType: 'intel_feedback',
    entityId: row.id,
    details: { alertUid: alert.uid, version: wire.version, found: wire.result.found },
  });
  await emitEvent(trx, 'intel.feedback.received', {
    feedbackId: row.id,
    alertId: alert.id,
    partner: partner.code,
    found: wire.result.found,
  });
  return 'applied';
}

export interface PartnerIntelPart {
  partner: string;
  alerts: number;
  seizures: number;
  netMassKg: number;
}

export interface PartnerIntelSide {
  seizures: number;
  netMassKg: number;
  byPartner: PartnerIntelPart[];
}

export interface PartnerIntelStats {
  year: number | null;
  /** Seizures made here on containers that matched partners' alerts (partner = the alert's issuer). */
  here: PartnerIntelSide;
  /** Seizures partners reported, by feedback, on containers that matched our alerts. */
  atPartners: PartnerIntelSide;
}

/** Feedback as the API shows it: of one alert, or all (newest first). */
export class FeedbackService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(filter: {
    alertId?: number;
    direction?: 'sent' | 'received';
    limit: number;
  }): Promise<FeedbackView[]> {
    let q = this.db
      .selectFrom('intel_feedback')
      .selectAll()
      .orderBy('updated_at', 'desc')
      .limit(filter.limit);
    if (filter.alertId !== undefined) q = q.where('alert_id', '=', filter.alertId);
    if (filter.direction) q = q.where('direction', '=', filter.direction);
    return (await q.execute()).map(toFeedbackView);
  }

  /** Releases feedback held for four-eyes approval (written by the system, so any approver will do). */
  async approve(actor: string, id: number): Promise<{ feedback: FeedbackView; released: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('intel_feedback').selectAll().where('id', '=', id).executeTakeFirst();
      if (row?.direction !== 'sent') throw errors.notFound('feedback sent by this instance', String(id));
      const released = await approveHeldShares(
        trx,
        {
          type: 'feedback',
          id,
          version: row.version,
          label: 'feedback',
          audit: { action: 'feedback.approve_share', entityType: 'intel_feedback' },
        },
        actor,
      );
      return { feedback: toFeedbackView(row), released };
    });
  }

  /** Seizures thanks to partner intelligence, both directions; a seizure counts once per side and partner. */
  async partnerIntel(year?: number): Promise<PartnerIntelStats> {
    let q = this.db
      .selectFrom('intel_feedback as f')
      .innerJoin('intel_alerts as a', 'a.id', 'f.alert_id')
      .select(['f.direction', 'f.alert_id', 'f.reporting_agency', 'a.origin_agency', 'f.seizures'])
      .where('f.found', '=', true);
    if (year !== undefined) q = q.where(sql<boolean>`extract(year from f.inspected_at) = ${year}`);
    const rows = await q.execute();
    const side = (direction: 'sent' | 'received'): PartnerIntelSide => {
      const parts = new Map<string, { alerts: Set<number>; seizures: Map<string, number> }>();
      const all = new Map<string, number>();
      for (const r of rows.filter((x) => x.direction === direction)) {
        const partner = direction === 'sent' ? r.origin_agency : r.reporting_agency;
        const part = parts.get(partner) ?? { alerts: new Set(), seizures: new Map() };
        parts.set(partner, part);
        part.alerts.add(r.alert_id);
        for (const s of r.seizures) {
          // Seizure references are unique per agency: here ours, otherwise the reporting partner's.
          const key = direction === 'sent' ? s.ref : `${r.reporting_agency} ${s.ref}`;
          part.seizures.set(key, s.netMassKg);
          all.set(key, s.netMassKg);
        }
      }
      const sum = (m: Map<string, number>) => roundMass([...m.values()].reduce((a, b) => a + b, 0));
      return {
        seizures: all.size,
        netMassKg: sum(all),
        byPartner: [...parts.entries()]
          .map(([partner, p]) => ({
            partner,
            alerts: p.alerts.size,
            seizures: p.seizures.size,
            netMassKg: sum(p.seizures),
          }))
          .sort((a, b) => a.partner.localeCompare(b.partner)),
      };
    };
    return { year: year ?? null, here: side('sent'), atPartners: side('received') };
  }
}
