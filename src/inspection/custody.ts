/**
 * The chain of custody of an evidence item, pure: the hash of each entry and the check of a whole
 * chain. Each item has its own chain; entry n's hash is SHA-256 over entry n−1's hash (64 zeros
 * for the first) followed by the canonical JSON of entry n (its item, sequence number, time,
 * action, holders, place, reason and actor). Editing any field of a past entry changes its hash;
 * deleting or inserting an entry breaks the sequence or the link of the next one. The audit log
 * keeps every entry's hash as well, so a chain rewritten end to end still differs from the
 * audit log, whose own chain (src/db/audit.ts) covers it.
 */
import { createHash } from 'node:crypto';
import type { CustodyAction, EvidenceStatus } from '../db/tables/inspection.ts';
import { canonicalJson } from '../lib/canonical-json.ts';

export const CUSTODY_GENESIS = '0'.repeat(64);

/** What a custody entry says; the hash covers exactly these fields. */
export interface CustodyEntry {
  evidenceId: number;
  seq: number;
  at: Date;
  action: CustodyAction;
  fromHolder: string | null;
  toHolder: string;
  location: string | null;
  reason: string | null;
  actor: string;
}

export interface StoredCustodyEntry extends CustodyEntry {
  prevHash: string;
  hash: string;
}

/** The hash of an entry after `prevHash`. */
export function custodyHash(prevHash: string, e: CustodyEntry): string {
  const body = canonicalJson({
    evidenceId: e.evidenceId,
    seq: e.seq,
    at: e.at.toISOString(),
    action: e.action,
    fromHolder: e.fromHolder,
    toHolder: e.toHolder,
    location: e.location,
    reason: e.reason,
    actor: e.actor,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** The item's status after an action; destroyed and returned items leave customs custody. */
export function statusAfter(action: CustodyAction, current: EvidenceStatus): EvidenceStatus {
  switch (action) {
    case 'laboratory':
      return 'at_laboratory';
    case 'returned':
      return 'returned';
    case 'destroyed':
      return 'destroyed';
    case 'transfer':
      return 'held';
    default:
      return current;
  }
}

export const FINAL_STATUSES: readonly EvidenceStatus[] = ['returned', 'destroyed'];

/** One thing wrong with a chain, naming the entry. */
export interface CustodyProblem {
  evidenceId: number;
  /** The sequence number of the entry concerned (the expected one when an entry is missing). */
  seq: number;
  problem: string;
}

/**
 * Checks one item's chain (entries in stored order by seq): sequence numbers 1, 2, 3 … without
 * gaps, each entry linked to the previous entry's hash, each hash recomputed from the entry, and
 * each hash present in `auditHashes` (the custody hashes written to the audit log).
 */
export function checkChain(
  evidenceId: number,
  entries: readonly StoredCustodyEntry[],
  auditHashes: ReadonlySet<string>,
): CustodyProblem[] {
  const problems: CustodyProblem[] = [];
  let expectedSeq = 1;
  let prev = CUSTODY_GENESIS;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      problems.push({
        evidenceId,
        seq: expectedSeq,
        problem:
          e.seq > expectedSeq
            ? `entries ${expectedSeq}${e.seq - 1 > expectedSeq ? `..${e.seq - 1}` : ''} are missing (the next one stored is seq ${e.seq})`
            : `seq ${e.seq} appears out of order`,
      });
    }
    if (e.prevHash !== prev)
      problems.push({
        evidenceId,
        seq: e.seq,
        problem: 'does not link to the previous entry (prev_hash differs)',
      });
    if (custodyHash(e.prevHash, e) !== e.hash)
      problems.push({
        evidenceId,
        seq: e.seq,
        problem: 'its content was changed (the hash does not match the entry)',
      });
    if (!auditHashes.has(e.hash))
      problems.push({ evidenceId, seq: e.seq, problem: 'its hash is not in the audit log' });
    prev = e.hash;
    expectedSeq = e.seq + 1;
  }
  if (entries.length === 0) problems.push({ evidenceId, seq: 1, problem: 'the item has no custody entry' });
  return problems;
}
