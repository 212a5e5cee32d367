/** SQL for intelligence alerts and their identifier index. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { IntelAlertsTable } from '../db/tables/federation.ts';
import { type Alert, type AlertContent, alertIdentifiersSchema, type IdentifierRow } from './alert.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type AlertRow = Selectable<IntelAlertsTable>;

export function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    uid: r.uid,
    originAgency: r.origin_agency,
    local: r.local,
    version: r.version,
    status: r.status,
    subject: r.subject,
    title: r.title,
    description: r.description,
    recommendedAction: r.recommended_action,
    validFrom: r.valid_from.toISOString(),
    validUntil: r.valid_until?.toISOString() ?? null,
    sourceReliability: r.source_reliability,
    infoCredibility: r.info_credibility,
    tlp: r.tlp,
    recipients: r.recipients,
    identifiers: alertIdentifiersSchema.parse(r.identifiers),
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface AlertRecord extends AlertContent {
  uid: string;
  originAgency: string;
  local: boolean;
  version: number;
  status: 'active' | 'withdrawn';
}

function columns(a: AlertRecord, actor: string) {
  return {
    uid: a.uid,
    origin_agency: a.originAgency,
    local: a.local,
    version: a.version,
    status: a.status,
    subject: a.subject,
    title: a.title,
    description: a.description,
    recommended_action: a.recommendedAction,
    valid_from: a.validFrom ?? new Date(),
    valid_until: a.validUntil ?? null,
    source_reliability: a.sourceReliability,
    info_credibility: a.infoCredibility,
    tlp: a.tlp,
    recipients: a.recipients,
    identifiers: JSON.stringify(a.identifiers),
    updated_by: actor,
    updated_at: new Date(),
  };
}

export async function insertAlert(db: Db, a: AlertRecord, actor: string): Promise<AlertRow> {
  return db
    .insertInto('intel_alerts')
    .values({ ...columns(a, actor), created_by: actor })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateAlert(db: Db, id: number, a: AlertRecord, actor: string): Promise<AlertRow> {
  return db
    .updateTable('intel_alerts')
    .set(columns(a, actor))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAlert(db: Db, id: number): Promise<AlertRow | undefined> {
  return db.selectFrom('intel_alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAlertByUid(db: Db, uid: string): Promise<AlertRow | undefined> {
  return db.selectFrom('intel_alerts').selectAll().where('uid', '=', uid).executeTakeFirst();
}

export async function listAlerts(
  db: Db,
  filter: { status?: 'active' | 'withdrawn'; origin?: 'local' | 'partner'; limit: number },
): Promise<AlertRow[]> {
  let q = db.selectFrom('intel_alerts').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.origin) q = q.where('local', '=', filter.origin === 'local');
  return q.execute();
}

/** Replaces the alert's rows in the (kind, value) index; none when the alert is withdrawn. */
export async function replaceIdentifiers(
  db: Db,
  alertId: number,
  rows: readonly IdentifierRow[],
): Promise<void> {
  await db.deleteFrom('alert_identifiers').where('alert_id', '=', alertId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('alert_identifiers')
    .values(rows.map((r) => ({ alert_id: alertId, kind: r.kind, value: r.value })))
    .execute();
}
