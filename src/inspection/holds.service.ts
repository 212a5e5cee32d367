/**
 * Holds as officers see them: manual holds, the list and the full story of one hold (its
 * inspections, overrides, gate questions and breaches), and overrides, which need two different
 * officers each with words of their own. Every change is audited and announced in its own
 * transaction.
 */
import type { Kysely } from 'kysely';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { HoldStatus, InspectionType } from '../db/tables/inspection.ts';
import { lookupLocode, parseContainerNumber } from '../domain/index.ts';
import { errors } from '../errors.ts';
import { listBreaches } from './breaches.repo.ts';
import { presentBreach } from './breaches.service.ts';
import { gateQueriesOf } from './gate.repo.ts';
import {
  decideOverride,
  insertOverrideRequest,
  lockOverride,
  type OverrideRow,
  overridesOfHold,
  pendingOverrideOf,
} from './holds.overrides.repo.ts';
import {
  activeHoldOf,
  addRequirement,
  cancelUnstartedInspections,
  containerIdOf,
  findHold,
  findingsOfHold,
  type HoldRow,
  inspectionsComplete,
  inspectionsOfHold,
  listHolds,
  lockHold,
  markOverridden,
  placeHolds,
  recordHoldOutcome,
} from './holds.repo.ts';

/** Shortest written reason of an override request (the database enforces it too). */
export const MIN_OVERRIDE_REASON = 10;
/** Shortest reason of a manual hold. */
export const MIN_HOLD_REASON = 5;
/** Gate questions shown with a hold. */
const RECENT_GATE_QUERIES = 20;

export interface ManualHold {
  containerNumber: string;
  port: string;
  required: InspectionType[];
  reason: string;
}

export interface HoldListQuery {
  port?: string | undefined;
  status?: HoldStatus | undefined;
  container?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export function presentHold(h: HoldRow) {
  return {
    id: h.id,
    containerNumber: h.container_number,
    port: h.port_locode,
    decisionDate: h.decision_date,
    source: h.source,
    selectionReason: h.selection_reason,
    selectionProbability: h.selection_probability,
    score: h.score,
    required: h.required,
    status: h.status,
    reason: h.reason,
    deadline: h.deadline?.toISOString() ?? null,
    placedAt: h.placed_at.toISOString(),
    placedBy: h.placed_by,
    releasedAt: h.released_at?.toISOString() ?? null,
    releasedBy: h.released_by,
  };
}

export function presentOverride(o: OverrideRow) {
  return {
    id: o.id,
    holdId: o.hold_id,
    status: o.status,
    reason: o.reason,
    requestedBy: o.requested_by,
    requestedAt: o.requested_at.toISOString(),
    decidedBy: o.decided_by,
    decidedAt: o.decided_at?.toISOString() ?? null,
    decisionNote: o.decision_note,
  };
}

export class HoldsService {
  /**
   * @param ports the ports this customs service runs (config.agency.ports): manual holds are
   * placed only there.
   */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly ports: readonly string[],
  ) {}

  /**
   * Places a manual hold (source and reason `manual`) with the inspections the officer requires.
   * A container Tandem has not seen yet is registered, so the gate holds it when it arrives.
   */
  async place(actor: string, input: ManualHold) {
    const container = parseContainerNumber(input.containerNumber);
    if (!container.ok) throw errors.invalidContainerNumber(container.reason, { check: container.code });
    const port = this.checkPort(input.port);
    const required = checkRequired(input.required);
    const reason = input.reason.trim();
    if (reason.length < MIN_HOLD_REASON)
      throw errors.validation(`say why the container is held (at least ${MIN_HOLD_REASON} characters)`, {
        field: 'reason',
      });
    const number = container.value.number;
    const today = new Date().toISOString().slice(0, 10);
    const holdId = await this.db.transaction().execute(async (trx) => {
      const containerId = await containerIdOf(trx, number);
      const active = await activeHoldOf(trx, containerId);
      if (active)
        throw errors.conflict(
          `container ${number} is already held (hold ${active.id}, requiring ${active.required.join(' and ')})${
            active.required.includes('physical')
              ? ''
              : `; to have it opened too, add a physical inspection to that hold (POST /v1/holds/${active.id}/requirements, or tandem hold require-physical ${active.id})`
          }`,
          { holdId: active.id, required: active.required },
        );
      const placement = {
        containerId,
        assessmentId: null,
        reason: 'manual' as const,
        probability: 1,
        score: null,
        text: reason,
        required,
      };
      let placed = await placeHolds(trx, port, today, [placement], actor, 'manual');
      // That day's hold was lifted already: this is a second hold of the port-day.
      if (placed.length === 0)
        placed = await placeHolds(
          trx,
          port,
          today,
          [{ ...placement, keySuffix: ` manual ${Date.now()}` }],
          actor,
          'manual',
        );
      const id = placed[0];
      if (id === undefined) throw errors.conflict(`container ${number} could not be held; try again`);
      return id;
    });
    return this.hold(holdId);
  }

  async list(query: HoldListQuery) {
    const container = query.container ? parseContainerNumber(query.container) : undefined;
    if (container && !container.ok)
      throw errors.invalidContainerNumber(container.reason, { check: container.code });
    const rows = await listHolds(this.db, {
      port: query.port,
      status: query.status,
      containerNumber: container?.ok ? container.value.number : undefined,
      beforeId: query.before,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(presentHold) };
  }

  /** One hold with its inspections, their findings, overrides, recent gate questions and breaches. */
  async show(id: number) {
    const hold = await findHold(this.db, id);
    if (!hold) throw errors.notFound('hold', String(id));
    const [inspections, findings, overrides, gateQueries, breaches] = await Promise.all([
      inspectionsOfHold(this.db, id),
      findingsOfHold(this.db, id),
      overridesOfHold(this.db, id),
      gateQueriesOf(this.db, hold.container_number, hold.placed_at, RECENT_GATE_QUERIES),
      listBreaches(this.db, { holdId: id, limit: 100 }),
    ]);
    return {
      ...presentHold(hold),
      inspections: inspections.map((i) => ({
        id: i.id,
        kind: i.kind,
        status: i.status,
        scannerId: i.scanner_id,
        assignedTo: i.assigned_to,
        queuedAt: i.queued_at.toISOString(),
        startedAt: i.started_at?.toISOString() ?? null,
        completedAt: i.completed_at?.toISOString() ?? null,
        completedBy: i.completed_by,
        verdict: i.verdict,
        anomalyRegion: i.anomaly_region,
      })),
      /** What the inspections found that stands: an active hold with all inspections done stays for these. */
      findings,
      overrides: overrides.map(presentOverride),
      gateQueries: gateQueries.map((q) => ({
        id: q.id,
        at: q.at.toISOString(),
        decision: q.decision,
        reasons: q.reason_codes,
        holdId: q.hold_id,
        caller: q.caller,
      })),
      breaches: breaches.map(presentBreach),
    };
  }

  /**
   * Adds a physical inspection to an active hold that requires only the scan (an officer's tip,
   * say): it is queued with the hold's risk and deadline, and audited `hold.requirement_added`.
   */
  async requirePhysical(actor: string, holdId: number, reasonText: string) {
    const reason = reasonText.trim();
    if (reason.length < MIN_HOLD_REASON)
      throw errors.validation(
        `say why the container must be opened (at least ${MIN_HOLD_REASON} characters)`,
        { field: 'reason' },
      );
    await this.db.transaction().execute(async (trx) => {
      const hold = await lockHold(trx, holdId);
      if (!hold) throw errors.notFound('hold', String(holdId));
      if (hold.status !== 'active')
        throw errors.conflict(
          `hold ${holdId} is already ${hold.status}; place a new hold on ${hold.container_number} to inspect it again`,
          { status: hold.status },
        );
      if (hold.required.includes('physical'))
        throw errors.conflict(`hold ${holdId} requires a physical inspection already`, {
          required: hold.required,
        });
      await addRequirement(trx, holdId, 'physical', actor, reason);
    });
    return this.hold(holdId);
  }

  /** Asks for a hold to be lifted without its inspections or despite their findings; another officer must approve. */
  async requestOverride(actor: string, holdId: number, reasonText: string) {
    const reason = reasonText.trim();
    if (reason.length < MIN_OVERRIDE_REASON)
      throw errors.validation(
        `an override needs a written reason of at least ${MIN_OVERRIDE_REASON} characters (why may this container leave without its inspections, or despite what they found?)`,
        { field: 'reason', minLength: MIN_OVERRIDE_REASON },
      );
    const request = await this.db.transaction().execute(async (trx) => {
      const hold = await lockHold(trx, holdId);
      if (!hold) throw errors.notFound('hold', String(holdId));
      if (hold.status !== 'active')
        throw errors.conflict(`hold ${holdId} is already ${hold.status}; there is nothing to override`, {
          status: hold.status,
        });
      const pending = await pendingOverrideOf(trx, holdId);
      if (pending)
        throw errors.conflict(
          `override ${pending.id} of hold ${holdId} is already pending (requested by ${pending.requested_by}); approve or reject it first`,
          { overrideId: pending.id },
        );
      const row = await insertOverrideRequest(trx, { holdId, reason, requestedBy: actor });
      await writeAudit(trx, {
        actor,
        action: 'hold.override_requested',
        entityType: 'hold',
        entityId: holdId,
        reason,
        details: { overrideId: row.id, containerNumber: hold.container_number },
      });
      await emitEvent(trx, 'hold.override_requested', {
        holdId,
        overrideId: row.id,
        containerNumber: hold.container_number,
        requestedBy: actor,
      });
      return row;
    });
    return presentOverride(request);
  }

  /**
   * Approves a pending override: a different officer than the one who asked. The hold is lifted
   * with status `overridden`, its inspections not yet started are cancelled, and an outcome is
   * written only when its required inspections were complete (else nothing was learnt).
   */
  async approveOverride(actor: string, holdId: number, overrideId: number, note: string) {
    return this.db.transaction().execute(async (trx) => {
      const { hold, override } = await this.lockPending(trx, actor, holdId, overrideId, 'approve');
      if (hold.status !== 'active')
        throw errors.conflict(
          `hold ${holdId} is already ${hold.status}; reject override ${overrideId} instead of approving it`,
          { status: hold.status },
        );
      const at = new Date();
      const decided = await decideOverride(trx, overrideId, {
        status: 'approved',
        decidedBy: actor,
        note,
        at,
      });
      const complete = await inspectionsComplete(trx, holdId, hold.required);
      await markOverridden(trx, holdId, actor, at);
      const cancelled = await cancelUnstartedInspections(trx, holdId);
      if (complete) await recordHoldOutcome(trx, holdId);
      await writeAudit(trx, {
        actor,
        action: 'hold.overridden',
        entityType: 'hold',
        entityId: holdId,
        reason: override.reason,
        details: {
          overrideId,
          containerNumber: hold.container_number,
          requestedBy: override.requested_by,
          approvedBy: actor,
          note,
          cancelledInspections: cancelled,
          outcomeRecorded: complete,
        },
      });
      await emitEvent(trx, 'hold.overridden', {
        holdId,
        overrideId,
        containerNumber: hold.container_number,
        requestedBy: override.requested_by,
        approvedBy: actor,
      });
      return {
        override: presentOverride(decided),
        hold: presentHold({ ...hold, status: 'overridden', released_at: at, released_by: actor }),
      };
    });
  }

  /** Rejects a pending override (by a different officer than the one who asked); the hold stays. */
  async rejectOverride(actor: string, holdId: number, overrideId: number, note: string) {
    return this.db.transaction().execute(async (trx) => {
      const { hold, override } = await this.lockPending(trx, actor, holdId, overrideId, 'reject');
      const decided = await decideOverride(trx, overrideId, {
        status: 'rejected',
        decidedBy: actor,
        note,
        at: new Date(),
      });
      await writeAudit(trx, {
        actor,
        action: 'hold.override_rejected',
        entityType: 'hold',
        entityId: holdId,
        reason: note,
        details: { overrideId, containerNumber: hold.container_number, requestedBy: override.requested_by },
      });
      await emitEvent(trx, 'hold.override_rejected', {
        holdId,
        overrideId,
        containerNumber: hold.container_number,
      });
      return { override: presentOverride(decided) };
    });
  }

  private async hold(id: number) {
    const row = await findHold(this.db, id);
    if (!row) throw errors.notFound('hold', String(id));
    return presentHold(row);
  }

  /** Locks the hold and its pending override, refusing the officer who asked for it. */
  private async lockPending(
    trx: Parameters<typeof lockHold>[0],
    actor: string,
    holdId: number,
    overrideId: number,
    verb: 'approve' | 'reject',
  ) {
    const hold = await lockHold(trx, holdId);
    if (!hold) throw errors.notFound('hold', String(holdId));
    const override = await lockOverride(trx, holdId, overrideId);
    if (!override) throw errors.notFound(`override of hold ${holdId}`, String(overrideId));
    if (override.status !== 'pending')
      throw errors.conflict(
        `override ${overrideId} was already ${override.status} by ${override.decided_by}`,
        {
          status: override.status,
        },
      );
    if (override.requested_by === actor)
      throw errors.conflict(
        `you requested override ${overrideId} yourself; a different officer must ${verb} it (two-officer rule)`,
        { requestedBy: override.requested_by },
      );
    return { hold, override };
  }

  private checkPort(raw: string): string {
    const locode = lookupLocode(raw);
    if (!locode.ok) throw errors.validation(locode.reason, { field: 'port', value: raw });
    const code = locode.value.code;
    if (!this.ports.includes(code))
      throw errors.validation(
        `port ${code} is not one of this customs service's ports (${this.ports.join(', ')}); its own customs places holds there`,
        { field: 'port', value: raw, ports: this.ports },
      );
    return code;
  }
}

function checkRequired(required: readonly InspectionType[]): InspectionType[] {
  const set = new Set(required);
  if (!set.has('scan'))
    throw errors.validation(
      "required inspections are ['scan'] or ['scan', 'physical']: every held box is scanned",
      {
        field: 'required',
      },
    );
  return set.has('physical') ? ['scan', 'physical'] : ['scan'];
}
