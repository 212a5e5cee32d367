/**
 * Alerts: create, change, withdraw, approve a share, list; and the hits of partner alerts on
 * local cargo. Every change is audited in its transaction, and the sharing decision is applied
 * there too, so nothing reaches the delivery outbox that the policy did not allow.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { type PartnerShareOutcome, queueAlertShares } from '../federation/share-queue.ts';
import { federationWorkQueued } from '../federation/wake.ts';
import {
  type Alert,
  type AlertContentInput,
  type AlertPatch,
  alertContentSchema,
  alertIdentifiersSchema,
  identifierRows,
} from './alert.ts';
import {
  findAlert,
  insertAlert,
  listAlerts,
  replaceIdentifiers,
  toAlert,
  updateAlert,
} from './alerts.repo.ts';
import { type FeedbackView, toFeedbackView } from './feedback.ts';

export interface AlertChange {
  alert: Alert;
  sharing: PartnerShareOutcome[];
}

export interface IntelHit {
  id: number;
  alertId: number;
  alertUid: string;
  alertTitle: string;
  originAgency: string;
  recommendedAction: string;
  entityType: string;
  entityId: number;
  identifierKind: string;
  identifierValue: string;
  createdAt: string;
}

export class AlertService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly agencyCode: string,
  ) {}

  /** Runs a change in a transaction, then wakes the federation worker for the shares it queued. */
  private changeAndDeliver<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute(work)
      .finally(() => federationWorkQueued(this.db));
  }

  async create(actor: string, input: AlertContentInput): Promise<AlertChange> {
    const content = alertContentSchema.parse(input);
    return this.changeAndDeliver(async (trx) => {
      const row = await insertAlert(
        trx,
        {
          ...content,
          uid: randomUUID(),
          originAgency: this.agencyCode,
          local: true,
          version: 1,
          status: 'active',
        },
        actor,
      );
      await replaceIdentifiers(trx, row.id, identifierRows(content.identifiers));
      const sharing = await queueAlertShares(trx, row);
      await writeAudit(trx, {
        actor,
        action: 'alert.create',
        entityType: 'alert',
        entityId: row.id,
        details: { uid: row.uid, tlp: row.tlp, sharing },
      });
      return { alert: toAlert(row), sharing };
    });
  }

  async update(actor: string, id: number, patch: AlertPatch): Promise<AlertChange> {
    return this.changeAndDeliver(async (trx) => {
      const current = await findAlert(trx, id);
      if (!current?.local) throw errors.notFound('local alert', String(id));
      if (current.status === 'withdrawn')
        throw errors.conflict(`alert ${id} is withdrawn and can no longer change`);
      const before = toAlert(current);
      const content = alertContentSchema.parse({
        ...before,
        validFrom: before.validFrom,
        ...patch,
        identifiers: patch.identifiers ?? alertIdentifiersSchema.parse(current.identifiers),
      });
      const row = await updateAlert(
        trx,
        id,
        {
          ...content,
          uid: current.uid,
          originAgency: current.origin_agency,
          local: true,
          version: current.version + 1,
          status: 'active',
        },
        actor,
      );
      await replaceIdentifiers(trx, id, identifierRows(content.identifiers));
      const sharing = await queueAlertShares(trx, row);
      await writeAudit(trx, {
        actor,
        action: 'alert.update',
        entityType: 'alert',
        entityId: id,
        details: { version: row.version, changed: Object.keys(patch), sharing },
      });
      return { alert: toAlert(row), sharing };
    });
  }

  async withdraw(actor: string, id: number, reason?: string): Promise<AlertChange> {
    return this.changeAndDeliver(async (trx) => {
      const current = await findAlert(trx, id);
      if (!current?.local) throw errors.notFound('local alert', String(id));
      if (current.status === 'withdrawn') return { alert: toAlert(current), sharing: [] };
      const before = toAlert(current);
      const row = await updateAlert(
        trx,
        id,
        {
          ...alertContentSchema.parse({
            ...before,
            identifiers: alertIdentifiersSchema.parse(current.identifiers),
          }),
          uid: current.uid,
          originAgency: current.origin_agency,
          local: true,
          version: current.version + 1,
          status: 'withdrawn',
        },
        actor,
      );
      await replaceIdentifiers(trx, id, []);
      const sharing = await queueAlertShares(trx, row);
      await writeAudit(trx, {
        actor,
        action: 'alert.withdraw',
        entityType: 'alert',
        entityId: id,
        reason: reason ?? null,
        details: { version: row.version, sharing },
      });
      return { alert: toAlert(row), sharing };
    });
  }

  /** Releases shares held for four-eyes approval; the approver must not be the author of the version. */
  async approve(actor: string, id: number): Promise<{ alert: Alert; released: string[] }> {
    return this.changeAndDeliver(async (trx) => {
      const current = await findAlert(trx, id);
      if (!current?.local) throw errors.notFound('local alert', String(id));
      if (current.updated_by === actor) throw errors.fourEyesSamePerson(actor);
      const released = await trx
        .updateTable('federation_deliveries')
        .set({ status: 'pending', approved_by: actor, next_attempt_at: new Date() })
        .where('alert_id', '=', id)
        .where('status', '=', 'awaiting_approval')
        .returning('partner_code')
        .execute();
      if (released.length === 0) throw errors.conflict(`alert ${id} has no share waiting for approval`);
      await writeAudit(trx, {
        actor,
        action: 'alert.approve_share',
        entityType: 'alert',
        entityId: id,
        details: { version: current.version, partners: released.map((r) => r.partner_code) },
      });
      return { alert: toAlert(current), released: released.map((r) => r.partner_code) };
    });
  }

  /** One alert with the feedback on it (partners' on our alerts, ours on received ones). */
  async get(id: number): Promise<Alert & { feedback: FeedbackView[] }> {
    const row = await findAlert(this.db, id);
    if (!row) throw errors.notFound('alert', String(id));
    const feedback = await this.db
      .selectFrom('intel_feedback')
      .selectAll()
      .where('alert_id', '=', id)
      .orderBy('id')
      .execute();
    return { ...toAlert(row), feedback: feedback.map(toFeedbackView) };
  }

  async list(filter: {
    status?: 'active' | 'withdrawn';
    origin?: 'local' | 'partner';
    limit: number;
  }): Promise<Alert[]> {
    return (await listAlerts(this.db, filter)).map(toAlert);
  }

  async hits(filter: { alertId?: number; limit: number }): Promise<IntelHit[]> {
    let q = this.db
      .selectFrom('intel_hits as h')
      .innerJoin('intel_alerts as a', 'a.id', 'h.alert_id')
      .select([
        'h.id',
        'h.alert_id',
        'a.uid',
        'a.title',
        'a.origin_agency',
        'a.recommended_action',
        'h.entity_type',
        'h.entity_id',
        'h.identifier_kind',
        'h.identifier_value',
        'h.created_at',
      ])
      .orderBy('h.id', 'desc')
      .limit(filter.limit);
    if (filter.alertId !== undefined) q = q.where('h.alert_id', '=', filter.alertId);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      alertUid: r.uid,
      alertTitle: r.title,
      originAgency: r.origin_agency,
      recommendedAction: r.recommended_action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      identifierKind: r.identifier_kind,
      identifierValue: r.identifier_value,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
