/** SQL of evidence items and their custody log (migration 0005). */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { EvidenceStatus } from '../db/tables/inspection.ts';
import type { StoredCustodyEntry } from './custody.ts';

type Trx = Transaction<DB>;

export interface EvidenceItemRow {
  id: number;
  seizureId: number;
  label: string;
  description: string;
  currentHolder: string;
  status: EvidenceStatus;
  createdAt: Date;
}

const itemColumns = [
  'id',
  'seizure_id as seizureId',
  'label',
  'description',
  'current_holder as currentHolder',
  'status',
  'created_at as createdAt',
] as const;

const custodyColumns = [
  'evidence_id as evidenceId',
  'seq',
  'at',
  'action',
  'from_holder as fromHolder',
  'to_holder as toHolder',
  'location',
  'reason',
  'actor',
  'prev_hash as prevHash',
  'hash',
] as const;

/** Inserts an item; undefined when the seizure already has an item with that label. */
export async function insertEvidenceItem(
  trx: Trx,
  item: { seizureId: number; label: string; description: string; holder: string; at: Date },
): Promise<EvidenceItemRow | undefined> {
  return trx
    .insertInto('evidence_items')
    .values({
      seizure_id: item.seizureId,
      label: item.label,
      description: item.description,
      current_holder: item.holder,
      created_at: item.at,
    })
    .onConflict((oc) => oc.columns(['seizure_id', 'label']).doNothing())
    .returning(itemColumns)
    .executeTakeFirst();
}

/** The item, locked until the transaction ends: custody appends to one item run one at a time. */
export async function lockEvidenceItem(trx: Trx, id: number): Promise<EvidenceItemRow | undefined> {
  return trx
    .selectFrom('evidence_items')
    .select(itemColumns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findEvidenceItem(db: Kysely<DB>, id: number): Promise<EvidenceItemRow | undefined> {
  return db.selectFrom('evidence_items').select(itemColumns).where('id', '=', id).executeTakeFirst();
}

export async function evidenceOfSeizures(
  db: Kysely<DB>,
  seizureIds: readonly number[],
): Promise<EvidenceItemRow[]> {
  if (seizureIds.length === 0) return [];
  return db
    .selectFrom('evidence_items')
    .select(itemColumns)
    .where('seizure_id', 'in', seizureIds)
    .orderBy('id')
    .execute();
}

export async function updateEvidenceCustodian(
  trx: Trx,
  id: number,
  holder: string,
  status: EvidenceStatus,
): Promise<void> {
  await trx
    .updateTable('evidence_items')
    .set({ current_holder: holder, status })
    .where('id', '=', id)
    .execute();
}

export async function lastCustodyEntry(
  trx: Trx,
  evidenceId: number,
): Promise<{ seq: number; hash: string } | undefined> {
  return trx
    .selectFrom('custody_log')
    .select(['seq', 'hash'])
    .where('evidence_id', '=', evidenceId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertCustodyEntry(trx: Trx, e: StoredCustodyEntry): Promise<void> {
  await trx
    .insertInto('custody_log')
    .values({
      evidence_id: e.evidenceId,
      seq: e.seq,
      at: e.at,
      action: e.action,
      from_holder: e.fromHolder,
      to_holder: e.toHolder,
      location: e.location,
      reason: e.reason,
      actor: e.actor,
      prev_hash: e.prevHash,
      hash: e.hash,
    })
    .execute();
}

/** The chain of one item, in sequence order. */
export async function custodyOf(db: Kysely<DB>, evidenceId: number): Promise<StoredCustodyEntry[]> {
  return db
    .selectFrom('custody_log')
    .select(custodyColumns)
    .where('evidence_id', '=', evidenceId)
    .orderBy('seq')
    .orderBy('id')
    .execute();
}

/** Items in id order after `afterId`, a page at a time (for the verification of every chain). */
export async function evidencePage(
  db: Kysely<DB>,
  afterId: number,
  limit: number,
): Promise<EvidenceItemRow[]> {
  return db
    .selectFrom('evidence_items')
    .select(itemColumns)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The custody entries of the given items, in item then sequence order. */
export async function custodyOfItems(db: Kysely<DB>, ids: readonly number[]): Promise<StoredCustodyEntry[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('custody_log')
    .select(custodyColumns)
    .where('evidence_id', 'in', ids)
    .orderBy('evidence_id')
    .orderBy('seq')
    .orderBy('id')
    .execute();
}

/** Custody entries recorded in the audit log: their hash, item and sequence number. */
export async function auditedCustodyHashes(
  db: Kysely<DB>,
): Promise<{ hash: string; evidenceId: number; seq: number }[]> {
  const rows = await sql<{ hash: string; evidence_id: string; seq: string }>`
    select details->>'custodyHash' as hash, entity_id as evidence_id, details->>'seq' as seq
      from audit_log
     where entity_type = 'evidence_item' and details ? 'custodyHash'`.execute(db);
  return rows.rows.map((r) => ({ hash: r.hash, evidenceId: Number(r.evidence_id), seq: Number(r.seq) }));
}

/** Custody hashes that exist in the log (to find audited entries that were deleted). */
export async function existingCustodyHashes(db: Kysely<DB>, hashes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < hashes.length; i += 1000) {
    const part = hashes.slice(i, i + 1000);
    const rows = await db.selectFrom('custody_log').select('hash').where('hash', 'in', part).execute();
    for (const r of rows) found.add(r.hash);
  }
  return found;
}
