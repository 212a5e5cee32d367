/**
 * The ground-truth record: one line of DIR/truth.jsonl per contaminated container. It is written
 * only to truth.jsonl, never into a message file, and the platform never reads it; only the
 * inspection oracle, the benchmarks and the calibration tests do.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { METHODS } from './calibration.ts';

const method = z.enum(METHODS as [string, ...string[]]);

export const truthRecord = z.object({
  kind: z.literal('contamination'),
  containerNumber: z.string(),
  port: z.string(),
  transportDocumentNumber: z.string(),
  vesselImo: z.string(),
  voyage: z.string(),
  origin: z.string(),
  highRiskLane: z.boolean(),
  dischargedAt: z.string(),
  substance: z.literal('cocaine'),
  method,
  massKg: z.number(),
  packages: z.number().int(),
  location: z.string(),
  manifestSeal: z.string(),
  fieldSeal: z.string(),
  sealReplaced: z.boolean(),
  earlyPickup: z.boolean(),
  gateOutAt: z.string().optional(),
  consigneeFront: z.boolean(),
  extraction: z.object({ attempted: z.boolean(), at: z.string().optional(), success: z.boolean() }),
  /** What the 2022 inspection regime would have done: the calibration target. */
  baseline: z.object({ selected: z.boolean(), scanAt: z.string().optional(), detected: z.boolean(), seizedKg: z.number() }),
});
export type TruthRecord = z.infer<typeof truthRecord>;

/** Reads a truth file into a map by container number (a run has at most a few thousand lines). */
export async function readTruthFile(path: string): Promise<Map<string, TruthRecord>> {
  const out = new Map<string, TruthRecord>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    const parsed = truthRecord.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path} line ${n}: not a truth record (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    out.set(parsed.data.containerNumber, parsed.data);
  }
  return out;
}
