/**
 * The inspection workflow behind the barrier: the scan queue of each scanner, and assigning,
 * starting and completing inspections. Each transition locks the inspection, is checked against
 * the state machine (inspections.machine.ts) and is audited in its transaction. Completing an
 * inspection settles its hold in the same transaction (released once every required inspection
 * is complete); a scan anomaly first refers the box to a physical inspection.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { InspectionStatus, InspectionType } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';
import { attachmentsOfInspection } from './attachments.repo.ts';
import { type Attachment, presentAttachment } from './attachments.service.ts';
import { addRequirement, type SettleResult, settleHold } from './holds.repo.ts';
import { checkTransition } from './inspections.machine.ts';
import {
  findInspection,
  type HoldSummary,
  holdSummary,
  type InspectionRow,
  inspectionOfHold,
  listInspections,
  markReferral,
  scanQueueRows,
  updateInspection,
} from './inspections.repo.ts';
import { readingsOfInspection } from './readings.repo.ts';
import { presentReadings, type Reading } from './readings.service.ts';
import { scheduleScanQueue } from './scanners.queue.ts';
import { findScanner } from './scanners.repo.ts';
import { presentScanner, type Scanner, scannerCodeSchema } from './scanners.service.ts';

const locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR');

export const inspectionFilterSchema = z.object({
  port: locode.optional(),
  kind: z.enum(['scan', 'physical']).optional(),
  status: z.enum(['queued', 'assigned', 'in_progress', 'completed', 'cancelled']).optional(),
  container: z.string().trim().toUpperCase().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const assignInputSchema = z
  .object({
    scanner: scannerCodeSchema.optional(),
    assignee: z.string().trim().min(1).max(100).optional(),
  })
  .refine((a) => a.scanner !== undefined || a.assignee !== undefined, 'give a scanner, an assignee or both');

export const completeInputSchema = z
  .object({
    verdict: z.enum(['clear', 'anomaly']),
    /** Where in the container the anomaly is, e.g. "front wall, 40 cm false wall behind the doors". */
    anomalyRegion: z.string().trim().min(1).max(500).optional(),
    notes: z.string().max(4000).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.verdict === 'anomaly' && c.anomalyRegion === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['anomalyRegion'],
        message: 'an anomaly says where in the container it is (anomalyRegion)',
      });
    if (c.verdict === 'clear' && c.anomalyRegion !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['anomalyRegion'],
        message: 'a clear verdict has no anomaly region',
      });
  });

export type InspectionFilterInput = z.input<typeof inspectionFilterSchema>;
export type AssignInput = z.input<typeof assignInputSchema>;
export type CompleteInput = z.input<typeof completeInputSchema>;

export interface Inspection {
  id: number;
  holdId: number | null;
  containerNumber: string;
  port: string;
  kind: InspectionType;
  status: InspectionStatus;
  scanner: string | null;
  assignee: string | null;
  priorityScore: number;
  deadline: string | null;
  queuedAt: string;
  assignedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  verdict: string | null;
  anomalyRegion: string | null;
  referredFrom: number | null;
  notes: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentInspection(row: InspectionRow): Inspection {
  return {
    id: row.id,
    holdId: row.hold_id,
    containerNumber: row.container_number,
    port: row.port_locode,
    kind: row.kind,
    status: row.status,
    scanner: row.scanner_code,
    assignee: row.assigned_to,
    priorityScore: row.priority_score,
    deadline: iso(row.deadline),
    queuedAt: row.queued_at.toISOString(),
    assignedAt: iso(row.assigned_at),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    completedBy: row.completed_by,
    verdict: row.verdict,
    anomalyRegion: row.anomaly_region,
    referredFrom: row.referred_from,
    notes: row.notes,
  };
}

export interface InspectionDetail extends Inspection {
  hold: HoldSummary | null;
  /** For a physical inspection: the scan of the same hold (its verdict says where to look). */
  scan: Pick<Inspection, 'id' | 'status' | 'verdict' | 'anomalyRegion'> | null;
  readings: Reading[];
  attachments: Attachment[];
}

export interface ScanQueueItem {
  position: number;
  inspectionId: number;
  containerNumber: string;
  holdId: number | null;
  status: InspectionStatus;
  assignee: string | null;
  priorityScore: number;
  deadline: string | null;
  queuedAt: string;
  estimatedStart: string;
  estimatedEnd: string;
  willMissDeadline: boolean;
  /** `in_progress` (on the scanner now), `risk`, `deadline` (ahead of riskier boxes to make its deadline) or `late`. */
  placedBy: 'in_progress' | 'risk' | 'deadline' | 'late';
}

export interface ScanQueue {
  scanner: Scanner;
  at: string;
  minutesPerBox: number;
  /** When the scanner is free for the first waiting box. */
  freeAt: string;
  items: ScanQueueItem[];
  missingDeadlines: number;
}

export interface Completion {
  inspection: Inspection;
  /** Set when a scan anomaly referred the box to a physical inspection. */
  referral: { physicalInspectionId: number | null; queued: boolean } | null;
  /** What settling the hold did: `released` lifts the barrier for the box. */
  hold: { id: number; result: SettleResult } | null;
}

export class InspectionService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(filter: InspectionFilterInput): Promise<Inspection[]> {
    const f = inspectionFilterSchema.parse(filter);
    const rows = await listInspections(this.db, {
      limit: f.limit,
      ...(f.port === undefined ? {} : { port: f.port }),
      ...(f.kind === undefined ? {} : { kind: f.kind }),
      ...(f.status === undefined ? {} : { status: f.status }),
      ...(f.container === undefined ? {} : { containerNumber: f.container }),
    });
    return rows.map(presentInspection);
  }

  /** One inspection with its hold, readings and attachments. */
  async get(id: number): Promise<InspectionDetail> {
    const row = await findInspection(this.db, id);
    if (!row) throw errors.notFound('inspection', String(id));
    const [hold, scan, readings, attachments] = await Promise.all([
      row.hold_id === null ? undefined : holdSummary(this.db, row.hold_id),
      row.kind === 'physical' && row.hold_id !== null
        ? inspectionOfHold(this.db, row.hold_id, 'scan')
        : undefined,
      readingsOfInspection(this.db, id),
      attachmentsOfInspection(this.db, id),
    ]);
    return {
      ...presentInspection(row),
      hold: hold ?? null,
      scan: scan
        ? { id: scan.id, status: scan.status, verdict: scan.verdict, anomalyRegion: scan.anomaly_region }
        : null,
      readings: presentReadings(readings),
      attachments: attachments.map(presentAttachment),
    };
  }

  /**
   * The queue of a scanner: the box on it now, then the waiting boxes in the order of
   * scanners.queue.ts, each with its estimated slot at the scanner's capacity per hour.
   */
  async scanQueue(code: string, now: Date = new Date()): Promise<ScanQueue> {
    const scanner = await findScanner(this.db, code);
    if (!scanner) throw errors.notFound('scanner', code);
    const rows = await scanQueueRows(this.db, scanner.port_locode, scanner.id);
    const slotMs = 3_600_000 / scanner.capacity_per_hour;
    const items: ScanQueueItem[] = [];
    const item = (
      row: InspectionRow,
      start: Date,
      end: Date,
      willMissDeadline: boolean,
      placedBy: ScanQueueItem['placedBy'],
    ): ScanQueueItem => ({
      position: items.length + 1,
      inspectionId: row.id,
      containerNumber: row.container_number,
      holdId: row.hold_id,
      status: row.status,
      assignee: row.assigned_to,
      priorityScore: row.priority_score,
      deadline: iso(row.deadline),
      queuedAt: row.queued_at.toISOString(),
      estimatedStart: start.toISOString(),
      estimatedEnd: end.toISOString(),
      willMissDeadline,
      placedBy,
    });
    let freeAt = now.getTime();
    const running = rows
      .filter((r) => r.status === 'in_progress')
      .sort((a, b) => (a.started_at?.getTime() ?? 0) - (b.started_at?.getTime() ?? 0));
    let cursor = Number.NEGATIVE_INFINITY;
    for (const r of running) {
      const start = Math.max(cursor, r.started_at?.getTime() ?? now.getTime());
      cursor = start + slotMs;
      freeAt = Math.max(freeAt, cursor);
      const miss = r.deadline !== null && Math.max(cursor, now.getTime()) > r.deadline.getTime();
      items.push(item(r, new Date(start), new Date(cursor), miss, 'in_progress'));
    }
    const waiting = rows
      .filter((r) => r.status !== 'in_progress')
      .map((r) => ({
        id: r.id,
        priorityScore: r.priority_score,
        deadline: r.deadline,
        queuedAt: r.queued_at,
        row: r,
      }));
    for (const s of scheduleScanQueue(waiting, scanner.capacity_per_hour, new Date(freeAt))) {
      items.push(item(s.box.row, s.estimatedStart, s.estimatedEnd, s.willMissDeadline, s.placedBy));
    }
    return {
      scanner: presentScanner(scanner),
      at: now.toISOString(),
      minutesPerBox: 60 / scanner.capacity_per_hour,
      freeAt: new Date(freeAt).toISOString(),
      items,
      missingDeadlines: items.filter((i) => i.willMissDeadline).length,
    };
  }

  /** Assigns a queued (or re-assigns an assigned) inspection to a scanner and/or a person. */
  async assign(actor: string, id: number, input: AssignInput): Promise<Inspection> {
    const given = assignInputSchema.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const row = await this.locked(trx, id);
      checkTransition(id, 'assign', row.status);
      let scannerId = row.scanner_id;
      if (given.scanner !== undefined) {
        if (row.kind !== 'scan')
          throw errors.validation(
            `inspection ${id} is a physical inspection: assign it to an inspector, not a scanner`,
            {
              field: 'scanner',
            },
          );
        const scanner = await findScanner(trx, given.scanner);
        if (!scanner)
          throw errors.validation(`there is no scanner ${given.scanner}; see GET /v1/scanners`, {
            field: 'scanner',
          });
        if (!scanner.active)
          throw errors.validation(`scanner ${scanner.code} is out of service; choose an active scanner`, {
            field: 'scanner',
          });
        if (scanner.port_locode !== row.port_locode)
          throw errors.validation(
            `scanner ${scanner.code} is at ${scanner.port_locode}; container ${row.container_number} is at ${row.port_locode}`,
            { field: 'scanner' },
          );
        scannerId = scanner.id;
      }
      const updated = await updateInspection(trx, id, {
        status: 'assigned',
        scanner_id: scannerId,
        assigned_to: given.assignee ?? row.assigned_to,
        assigned_at: new Date(),
      });
      await writeAudit(trx, {
        actor,
        action: 'inspection.assigned',
        entityType: 'inspection',
        entityId: id,
        details: {
          containerNumber: row.container_number,
          kind: row.kind,
          from: row.status,
          scanner: updated.scanner_code,
          assignee: updated.assigned_to,
        },
      });
      return presentInspection(updated);
    });
  }

  /** Starts an assigned inspection (a scan needs its scanner). */
  async start(actor: string, id: number): Promise<Inspection> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.locked(trx, id);
      checkTransition(id, 'start', row.status);
      if (row.kind === 'scan' && row.scanner_id === null)
        throw errors.conflict(`scan ${id} has no scanner: assign it to a scanner before starting it`, {
          inspectionId: id,
          currentState: row.status,
        });
      const updated = await updateInspection(trx, id, { status: 'in_progress', started_at: new Date() });
      await writeAudit(trx, {
        actor,
        action: 'inspection.started',
        entityType: 'inspection',
        entityId: id,
        details: { containerNumber: row.container_number, kind: row.kind, scanner: row.scanner_code },
      });
      return presentInspection(updated);
    });
  }

  /**
   * Completes an inspection in progress with the verdict. A scan anomaly refers the box to a
   * physical inspection; a physical inspection waits for its hold's scan. Then the hold settles.
   */
  async complete(actor: string, id: number, input: CompleteInput): Promise<Completion> {
    const result = completeInputSchema.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const row = await this.locked(trx, id);
      checkTransition(id, 'complete', row.status);
      if (row.kind === 'physical' && row.hold_id !== null) {
        const scan = await inspectionOfHold(trx, row.hold_id, 'scan');
        if (scan && scan.status !== 'completed')
          throw errors.conflict(
            `physical inspection ${id} cannot be completed before the scan of its hold: scan ${scan.id} is ${scan.status}; complete the scan first`,
            { inspectionId: id, currentState: row.status, scanInspectionId: scan.id, scanState: scan.status },
          );
      }
      const completedAt = new Date();
      const updated = await updateInspection(trx, id, {
        status: 'completed',
        completed_at: completedAt,
        completed_by: actor,
        verdict: result.verdict,
        anomaly_region: result.anomalyRegion ?? null,
        notes: result.notes ?? null,
      });
      await writeAudit(trx, {
        actor,
        action: 'inspection.completed',
        entityType: 'inspection',
        entityId: id,
        details: {
          containerNumber: row.container_number,
          kind: row.kind,
          holdId: row.hold_id,
          verdict: result.verdict,
          anomalyRegion: result.anomalyRegion ?? null,
        },
      });
      await emitEvent(trx, 'inspection.completed', {
        inspectionId: id,
        holdId: row.hold_id,
        containerNumber: row.container_number,
        port: row.port_locode,
        kind: row.kind,
        verdict: result.verdict,
      });
      if (row.hold_id === null) return { inspection: presentInspection(updated), referral: null, hold: null };

      let referral: Completion['referral'] = null;
      if (row.kind === 'scan' && result.verdict === 'anomaly') {
        const why = `scan ${id} anomaly: ${result.anomalyRegion}`;
        const queued = await addRequirement(trx, row.hold_id, 'physical', actor, why);
        if (queued) await markReferral(trx, row.hold_id, id);
        const physical = await inspectionOfHold(trx, row.hold_id, 'physical');
        referral = { physicalInspectionId: physical?.id ?? null, queued };
      }
      const settled = await settleHold(trx, row.hold_id, actor);
      return { inspection: presentInspection(updated), referral, hold: { id: row.hold_id, result: settled } };
    });
  }

  private async locked(trx: Transaction<DB>, id: number): Promise<InspectionRow> {
    const row = await findInspection(trx, id, true);
    if (!row) throw errors.notFound('inspection', String(id));
    return row;
  }
}
