/**
 * Appending to an evidence item's chain of custody (`custodyAppender`) and verifying every chain
 * (`verifyCustody`, behind `tandem custody verify`). An append locks the item's row, so appends to
 * one item are serialised and its chain never forks; the entry and its audit record (carrying the
 * entry's hash) commit in the same transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditVerification } from '../db/audit.ts';
import { verifyAudit, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { CustodyAction } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';
import {
  CUSTODY_GENESIS,
  type CustodyProblem,
  checkChain,
  custodyHash,
  FINAL_STATUSES,
  type StoredCustodyEntry,
  statusAfter,
} from './custody.ts';
import {
  auditedCustodyHashes,
  custodyOfItems,
  type EvidenceItemRow,
  evidencePage,
  existingCustodyHashes,
  insertCustodyEntry,
  lastCustodyEntry,
  lockEvidenceItem,
  updateEvidenceCustodian,
} from './evidence.repo.ts';

export interface CustodyStep {
  action: CustodyAction;
  toHolder: string;
  location?: string | null | undefined;
  reason?: string | null | undefined;
  /** When it happened; now by default. */
  at?: Date | undefined;
}

/**
 * Appends one entry to the item's chain, moves the item to its new holder and status, and writes
 * the audit record with the entry's hash. The first entry of an item is 'seized'; after 'returned'
 * or 'destroyed' nothing more can be appended.
 */
export async function appendCustody(
  trx: Transaction<DB>,
  evidenceId: number,
  step: CustodyStep,
  actor: string,
): Promise<StoredCustodyEntry> {
  const item = await lockEvidenceItem(trx, evidenceId);
  if (!item) throw errors.notFound('evidence item', String(evidenceId));
  const last = await lastCustodyEntry(trx, evidenceId);
  if (!last && step.action !== 'seized')
    throw errors.conflict('the first custody entry of an item must be "seized"');
  if (last && step.action === 'seized')
    throw errors.conflict(`evidence item ${evidenceId} is already seized; record a transfer instead`);
  if (last && FINAL_STATUSES.includes(item.status))
    throw errors.conflict(`evidence item ${evidenceId} was ${item.status}; its chain of custody is closed`, {
      status: item.status,
    });
  const entry = {
    evidenceId,
    seq: (last?.seq ?? 0) + 1,
    at: step.at ?? new Date(),
    action: step.action,
    fromHolder: last ? item.currentHolder : null,
    toHolder: step.toHolder,
    location: step.location ?? null,
    reason: step.reason ?? null,
    actor,
  };
  const prevHash = last?.hash ?? CUSTODY_GENESIS;
  const stored: StoredCustodyEntry = { ...entry, prevHash, hash: custodyHash(prevHash, entry) };
  await insertCustodyEntry(trx, stored);
  const status = statusAfter(step.action, item.status);
  await updateEvidenceCustodian(trx, evidenceId, step.toHolder, status);
  await writeAudit(trx, {
    actor,
    action: `custody.${step.action}`,
    entityType: 'evidence_item',
    entityId: evidenceId,
    reason: entry.reason,
    details: {
      seizureId: item.seizureId,
      label: item.label,
      seq: entry.seq,
      fromHolder: entry.fromHolder,
      toHolder: entry.toHolder,
      location: entry.location,
      custodyHash: stored.hash,
    },
  });
  return stored;
}

export interface CustodyVerification {
  ok: boolean;
  items: number;
  entries: number;
  /** Everything found wrong, naming the item and the entry's sequence number. */
  problems: (CustodyProblem & { label?: string })[];
  audit: AuditVerification;
}

const PAGE = 500;

/**
 * Checks every item's chain (see checkChain), that each item's current holder is the last
 * entry's holder, that every custody entry the audit log records still exists, and the audit
 * log's own chain.
 */
export async function verifyCustody(
  db: Kysely<DB>,
  onProgress?: (done: number) => void,
): Promise<CustodyVerification> {
  const audited = await auditedCustodyHashes(db);
  const auditHashes = new Set(audited.map((a) => a.hash));
  const problems: CustodyVerification['problems'] = [];
  let items = 0;
  let entries = 0;
  let afterId = 0;
  for (;;) {
    const page = await evidencePage(db, afterId, PAGE);
    if (page.length === 0) break;
    const chains = groupByItem(
      await custodyOfItems(
        db,
        page.map((i) => i.id),
      ),
    );
    for (const item of page) {
      const chain = chains.get(item.id) ?? [];
      entries += chain.length;
      for (const p of checkChain(item.id, chain, auditHashes)) problems.push({ ...p, label: item.label });
      const last = chain.at(-1);
      if (last && last.toHolder !== item.currentHolder)
        problems.push({
          evidenceId: item.id,
          label: item.label,
          seq: last.seq,
          problem: `the item's current holder "${item.currentHolder}" is not the last entry's holder "${last.toHolder}"`,
        });
    }
    items += page.length;
    afterId = page.at(-1)?.id ?? afterId;
    onProgress?.(items);
  }
  const stillThere = await existingCustodyHashes(
    db,
    audited.map((a) => a.hash),
  );
  for (const a of audited) {
    if (!stillThere.has(a.hash))
      problems.push({
        evidenceId: a.evidenceId,
        seq: a.seq,
        problem:
          'the audit log records this entry but it is gone from the custody log (deleted or rewritten)',
      });
  }
  problems.sort((a, b) => a.evidenceId - b.evidenceId || a.seq - b.seq);
  const audit = await verifyAudit(db);
  return { ok: problems.length === 0 && audit.ok, items, entries, problems, audit };
}

function groupByItem(entries: readonly StoredCustodyEntry[]): Map<number, StoredCustodyEntry[]> {
  const byItem = new Map<number, StoredCustodyEntry[]>();
  for (const e of entries) {
    const list = byItem.get(e.evidenceId);
    if (list) list.push(e);
    else byItem.set(e.evidenceId, [e]);
  }
  return byItem;
}

export type { EvidenceItemRow };
