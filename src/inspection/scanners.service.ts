/**
 * Scanners: add, change and list the scanners of each port with their capacity per hour. Every
 * change is audited in its transaction. The scan queue of a scanner is in inspections.service.ts.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { lookupLocode } from '../domain/index.ts';
import { errors } from '../errors.ts';
import { insertScanner, listScanners, type ScannerRow, updateScanner } from './scanners.repo.ts';

export const scannerCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'letters, digits, ".", "_" or "-", at most 32, e.g. ANR-S1');

const portSchema = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, '').toUpperCase())
  .superRefine((v, ctx) => {
    const found = lookupLocode(v);
    if (!found.ok) ctx.addIssue({ code: 'custom', message: found.reason });
  });

export const scannerInputSchema = z.object({
  code: scannerCodeSchema,
  port: portSchema,
  name: z.string().trim().min(1).max(200),
  capacityPerHour: z.number().int().min(1).max(10_000),
  active: z.boolean().default(true),
});

export const scannerPatchSchema = z
  .object({
    port: portSchema,
    name: z.string().trim().min(1).max(200),
    capacityPerHour: z.number().int().min(1).max(10_000),
    active: z.boolean(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'give at least one of port, name, capacityPerHour, active');

export type ScannerInput = z.input<typeof scannerInputSchema>;
export type ScannerPatch = z.input<typeof scannerPatchSchema>;

export interface Scanner {
  code: string;
  port: string;
  name: string;
  capacityPerHour: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function presentScanner(row: ScannerRow): Scanner {
  return {
    code: row.code,
    port: row.port_locode,
    name: row.name,
    capacityPerHour: row.capacity_per_hour,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class ScannerService {
  constructor(private readonly db: Kysely<DB>) {}

  async add(actor: string, input: ScannerInput): Promise<Scanner> {
    const { code, ...fields } = scannerInputSchema.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const row = await insertScanner(trx, code, fields);
      if (!row)
        throw errors.conflict(`scanner ${code} exists already; change it with PATCH /v1/scanners/${code}`, {
          code,
        });
      await writeAudit(trx, {
        actor,
        action: 'scanner.added',
        entityType: 'scanner',
        entityId: row.id,
        details: { ...presentScanner(row) },
      });
      return presentScanner(row);
    });
  }

  async update(actor: string, code: string, patch: ScannerPatch): Promise<Scanner> {
    const fields = scannerPatchSchema.parse(patch);
    return this.db.transaction().execute(async (trx) => {
      const row = await updateScanner(trx, code, fields);
      if (!row) throw errors.notFound('scanner', code);
      await writeAudit(trx, {
        actor,
        action: 'scanner.updated',
        entityType: 'scanner',
        entityId: row.id,
        details: { code, changes: fields },
      });
      return presentScanner(row);
    });
  }

  async list(port?: string): Promise<Scanner[]> {
    return (await listScanners(this.db, port)).map(presentScanner);
  }
}
