/**
 * Tamper-evident audit log. Each entry is written in the caller's transaction (so the change
 * and its record commit or vanish together) and chained: its hash covers its own content and
 * the previous entry's hash, so editing or deleting any past row breaks every later hash.
 * A transaction-scoped advisory lock serialises writers so the chain has no forks.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { canonicalJson } from '../lib/canonical-json.ts';
import type { DB } from './schema.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

function entryHash(prev: string, at: string, e: AuditEntry): string {
  const body = canonicalJson([
    prev,
    at,
    e.actor,
    e.action,
    e.entityType,
    e.entityId == null ? null : String(e.entityId),
    e.reason ?? null,
    e.details ?? {},
  ]);
  return createHash('sha256').update(body).digest('hex');
}

/** Appends an audit entry inside the given transaction. */
export async function writeAudit(trx: Transaction<DB>, entry: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(7166062)`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prev = last?.hash ?? GENESIS;
  const at = new Date().toISOString();
  await trx
    .insertInto('audit_log')
    .values({
      at,
      actor: entry.actor,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId == null ? null : String(entry.entityId),
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
      prev_hash: prev,
      hash: entryHash(prev, at, entry),
    })
    .execute();
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash does not match, when not ok. */
  brokenAt?: number;
}

/** Recomputes the chain from the start and reports the first broken link. */
export async function verifyAudit(db: Kysely<DB>): Promise<AuditVerification> {
  let prev = GENESIS;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      const expected = entryHash(prev, r.at.toISOString(), {
        actor: r.actor,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        reason: r.reason,
        details: r.details,
      });
      if (r.prev_hash !== prev || r.hash !== expected) return { ok: false, checked, brokenAt: r.id };
      prev = r.hash;
      checked++;
      afterId = r.id;
    }
  }
}
