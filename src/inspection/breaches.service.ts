/**
 * Barrier breaches: a gate-out reported for a container while customs held it means the box left
 * the terminal uninspected. Tandem cannot stop a truck, but it must know at once and prove it
 * later: each breach is recorded, audited, announced (`barrier.breach`) and logged at error level
 * as a critical alert, and stays open until an officer acknowledges it with a note.
 */
import type { Kysely } from 'kysely';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  acknowledgeBreach,
  type BreachRow,
  listBreaches,
  lockBreach,
  type NewBreach,
  recordBreaches,
} from './breaches.repo.ts';

/** Who the audit log names for breaches found by the worker. */
export const BREACH_ACTOR = 'barrier-watch';

export function presentBreach(b: BreachRow) {
  return {
    id: b.id,
    holdId: b.hold_id,
    containerEventId: b.container_event_id,
    containerNumber: b.container_number,
    port: b.port_locode,
    eventAt: b.event_at?.toISOString() ?? null,
    detectedAt: b.detected_at.toISOString(),
    acknowledgedBy: b.acknowledged_by,
    acknowledgedAt: b.acknowledged_at?.toISOString() ?? null,
    note: b.note,
  };
}

export interface BreachListQuery {
  port?: string | undefined;
  acknowledged?: boolean | undefined;
  limit?: number | undefined;
}

/**
 * Finds the breaches among these stored container events, records and audits them in one
 * transaction, then raises the critical alert in the log. Returns the new breaches (an event
 * seen again adds none).
 */
export async function detectBreaches(
  db: Kysely<DB>,
  containerEventIds: readonly number[],
  logger?: Logger,
): Promise<NewBreach[]> {
  if (containerEventIds.length === 0) return [];
  const found = await db.transaction().execute(async (trx) => {
    const breaches = await recordBreaches(trx, containerEventIds);
    for (const b of breaches) {
      const details = {
        holdId: b.hold_id,
        containerEventId: b.container_event_id,
        containerNumber: b.container_number,
        port: b.port_locode,
        eventPlace: b.event_place,
        eventAt: b.event_at?.toISOString() ?? null,
      };
      await writeAudit(trx, {
        actor: BREACH_ACTOR,
        action: 'barrier.breach',
        entityType: 'barrier_breach',
        entityId: b.id,
        reason: 'gate-out reported while the container was held',
        details,
      });
      await emitEvent(trx, 'barrier.breach', { breachId: b.id, ...details });
    }
    return breaches;
  });
  for (const b of found) {
    logger?.error(
      {
        alert: 'critical',
        breachId: b.id,
        holdId: b.hold_id,
        containerNumber: b.container_number,
        port: b.port_locode,
        eventAt: b.event_at?.toISOString() ?? null,
      },
      `barrier breach: container ${b.container_number} left ${b.event_place ?? b.port_locode} while held (hold ${b.hold_id})`,
    );
  }
  return found;
}

export class BreachService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(query: BreachListQuery) {
    const rows = await listBreaches(this.db, {
      port: query.port,
      acknowledged: query.acknowledged,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(presentBreach) };
  }

  /** An officer has seen the breach and says what was done (the alert stays in the audit log). */
  async acknowledge(actor: string, id: number, noteText: string) {
    const note = noteText.trim();
    if (note.length === 0)
      throw errors.validation('say what was done about the breach (a note is required)', { field: 'note' });
    const row = await this.db.transaction().execute(async (trx) => {
      const breach = await lockBreach(trx, id);
      if (!breach) throw errors.notFound('barrier breach', String(id));
      if (breach.acknowledged_at)
        throw errors.conflict(`barrier breach ${id} was already acknowledged by ${breach.acknowledged_by}`, {
          acknowledgedBy: breach.acknowledged_by,
        });
      const updated = await acknowledgeBreach(trx, id, { by: actor, note, at: new Date() });
      await writeAudit(trx, {
        actor,
        action: 'barrier.breach_acknowledged',
        entityType: 'barrier_breach',
        entityId: id,
        reason: note,
        details: { holdId: breach.hold_id, containerNumber: breach.container_number },
      });
      return updated;
    });
    return presentBreach(row);
  }
}
