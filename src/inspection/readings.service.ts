/**
 * Detection readings of a physical inspection: ion mobility spectrometry, Raman, colour tests in
 * the field, and laboratory results, which may come days later (even after the inspection is
 * completed) and confirm, or contradict, an earlier field reading of the same sample.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { settleHold } from './holds.repo.ts';
import { findInspection } from './inspections.repo.ts';
import { findReading, insertReading, type ReadingRow, readingsOfInspection } from './readings.repo.ts';

export const deviceTypes = ['ion_mobility_spectrometry', 'raman', 'colour_test', 'laboratory'] as const;
export const readingResults = ['positive', 'negative', 'inconclusive'] as const;

export const readingInputSchema = z
  .object({
    deviceType: z.enum(deviceTypes),
    deviceId: z.string().trim().min(1).max(100).optional(),
    result: z.enum(readingResults),
    /** What was found (or tested for), e.g. "cocaine hydrochloride". */
    substance: z.string().trim().min(1).max(200).optional(),
    confidence: z.number().min(0).max(1).optional(),
    sampleId: z.string().trim().min(1).max(100).optional(),
    /** The field reading of the same sample that this laboratory result confirms. */
    confirmsReadingId: z.number().int().positive().optional(),
    notes: z.string().max(4000).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.result === 'positive' && r.substance === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['substance'],
        message: 'a positive reading names the substance found',
      });
    if (r.deviceType === 'laboratory' && r.sampleId === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['sampleId'],
        message: 'a laboratory reading names the sample it analysed',
      });
    if (r.confirmsReadingId !== undefined && r.deviceType !== 'laboratory')
      ctx.addIssue({
        code: 'custom',
        path: ['confirmsReadingId'],
        message: 'only a laboratory reading confirms an earlier reading',
      });
  });

export type ReadingInput = z.input<typeof readingInputSchema>;

export interface Reading {
  id: number;
  inspectionId: number;
  deviceType: string;
  deviceId: string | null;
  result: string;
  substance: string | null;
  confidence: number | null;
  sampleId: string | null;
  confirmsReadingId: number | null;
  recordedAt: string;
  recordedBy: string;
  notes: string | null;
  /** Laboratory readings that confirm this one; `agrees` when they have the same result. */
  confirmedBy: { readingId: number; result: string; substance: string | null; agrees: boolean }[];
}

/** The readings of an inspection as the API shows them, each with its laboratory confirmations. */
export function presentReadings(rows: readonly ReadingRow[]): Reading[] {
  return rows.map((r) => ({
    id: r.id,
    inspectionId: r.inspection_id,
    deviceType: r.device_type,
    deviceId: r.device_id,
    result: r.result,
    substance: r.substance,
    confidence: r.confidence,
    sampleId: r.sample_id,
    confirmsReadingId: r.confirms_reading_id,
    recordedAt: r.recorded_at.toISOString(),
    recordedBy: r.recorded_by,
    notes: r.notes,
    confirmedBy: rows
      .filter((c) => c.confirms_reading_id === r.id)
      .map((c) => ({
        readingId: c.id,
        result: c.result,
        substance: c.substance,
        agrees: c.result === r.result,
      })),
  }));
}

export class ReadingService {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records a reading on a physical inspection that is in progress or completed. */
  async record(actor: string, inspectionId: number, input: ReadingInput): Promise<Reading> {
    const reading = readingInputSchema.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const inspection = await findInspection(trx, inspectionId, true);
      if (!inspection) throw errors.notFound('inspection', String(inspectionId));
      if (inspection.kind !== 'physical')
        throw errors.validation(
          `inspection ${inspectionId} is a scan: detection readings are recorded on the physical inspection`,
          { inspectionId, kind: inspection.kind },
        );
      if (inspection.status !== 'in_progress' && inspection.status !== 'completed')
        throw errors.conflict(
          `inspection ${inspectionId} is ${inspection.status}: readings are recorded once it has started`,
          { inspectionId, currentState: inspection.status },
        );
      if (reading.confirmsReadingId !== undefined) {
        const field = await findReading(trx, reading.confirmsReadingId);
        if (!field || field.inspection_id !== inspectionId)
          throw errors.validation(
            `reading ${reading.confirmsReadingId} is not a reading of inspection ${inspectionId}`,
            { field: 'confirmsReadingId', value: reading.confirmsReadingId },
          );
        if (field.device_type === 'laboratory')
          throw errors.validation(
            `reading ${field.id} is a laboratory reading: a laboratory result confirms a field reading`,
            { field: 'confirmsReadingId', value: field.id },
          );
        if (field.sample_id !== reading.sampleId)
          throw errors.validation(
            `reading ${field.id} is of sample ${field.sample_id ?? '(none)'}, not ${reading.sampleId}: a confirmation analyses the same sample`,
            { field: 'sampleId', value: reading.sampleId, expected: field.sample_id },
          );
      }
      const row = await insertReading(trx, {
        inspection_id: inspectionId,
        device_type: reading.deviceType,
        device_id: reading.deviceId ?? null,
        result: reading.result,
        substance: reading.substance ?? null,
        confidence: reading.confidence ?? null,
        sample_id: reading.sampleId ?? null,
        confirms_reading_id: reading.confirmsReadingId ?? null,
        recorded_by: actor,
        notes: reading.notes ?? null,
      });
      await writeAudit(trx, {
        actor,
        action:
          reading.confirmsReadingId === undefined ? 'reading.recorded' : 'reading.confirmation_recorded',
        entityType: 'inspection',
        entityId: inspectionId,
        details: {
          readingId: row.id,
          containerNumber: inspection.container_number,
          deviceType: row.device_type,
          result: row.result,
          substance: row.substance,
          sampleId: row.sample_id,
          confirmsReadingId: row.confirms_reading_id,
        },
      });
      // A laboratory result may clear the last finding that kept the box held after its
      // inspections: the hold settles again (a released or overridden hold is left as it is).
      if (reading.confirmsReadingId !== undefined && inspection.hold_id !== null)
        await settleHold(trx, inspection.hold_id, actor);
      const [presented] = presentReadings([row]);
      if (!presented) throw new Error('a stored reading could not be presented');
      return presented;
    });
  }

  async list(inspectionId: number): Promise<Reading[]> {
    return presentReadings(await readingsOfInspection(this.db, inspectionId));
  }
}
