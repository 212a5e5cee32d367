/**
 * Runs the simulation: day by day, port by port, yielding output chunks as they are made, so a
 * caller can write them to files (writeSimulation), feed them live into the ingest (the first-run
 * demo), or count them (the benchmark) without ever holding more than one day.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_NEW_METHOD, type NewMethodSpec, PORT_CALIBRATION } from './calibration.ts';
import type { DisplacementScenario } from './displacement.ts';
import { edifactFiles } from './edifact.ts';
import { PortSimulator } from './generator.ts';
import { jsonFiles } from './jsonl.ts';
import type { DayStats, DayTraffic, Move } from './traffic.ts';

export const simulateOptions = z.object({
  ports: z
    .array(
      z.string().refine((p) => p in PORT_CALIBRATION, { message: 'unknown port (calibrated: BEANR, NLRTM)' }),
    )
    .min(1),
  from: z.iso.date(),
  days: z.number().int().positive().max(3660),
  seed: z.union([z.number(), z.string()]),
  scale: z.number().positive().max(10),
  formats: z.array(z.enum(['edifact', 'json'])).min(1),
});
export type SimulateOptions = z.infer<typeof simulateOptions> & {
  scenario?: DisplacementScenario;
  newMethod?: NewMethodSpec;
};

/** A piece of output: append `text` to `file` (relative to the output directory). */
export interface OutputChunk {
  file: string;
  text: string;
  date: string;
  port: string;
  /** Kind of content: message files are for the platform, truth is not. */
  kind: 'edifact' | 'json' | 'truth';
}

export interface DayDone {
  date: string;
  port: string;
  stats: DayStats;
}

export function addDays(isoDate: string, n: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Raw traffic, day by day (for tests and the benchmark that want the objects, not text). */
export function* simulateDays(options: SimulateOptions): Generator<DayTraffic> {
  const o = simulateOptions.parse(options);
  const sims = o.ports.map(
    (p) =>
      new PortSimulator(p, {
        seed: o.seed,
        scale: o.scale,
        scenario: options.scenario ?? [],
        newMethod: options.newMethod ?? DEFAULT_NEW_METHOD,
      }),
  );
  for (let d = 0; d < o.days; d += 1) {
    const date = addDays(o.from, d);
    for (const sim of sims) yield sim.day(date);
  }
}

/**
 * A terminal that asks before letting boxes out: given a port-day, it answers the gate-outs that
 * really happen that day (it may keep some back and let them out on a later day). Without one, every
 * simulated gate-out happens as generated.
 */
export interface Terminal {
  gateOut(day: DayTraffic): Promise<Move[]>;
}

/**
 * The simulation as an async stream of output chunks, one port-day at a time: EDIFACT files
 * (whole interchanges), JSON Lines appended to port-calls/consignments/events.jsonl, and the
 * ground truth appended to truth.jsonl (kind 'truth': a live feed must drop those chunks).
 * `onDay` is called after each port-day with its statistics.
 */
export async function* simulateStream(
  options: SimulateOptions,
  onDay?: (d: DayDone) => void,
  terminal?: Terminal,
): AsyncGenerator<OutputChunk> {
  const formats = new Set(options.formats);
  for (const day of simulateDays(options)) {
    if (terminal) day.gateOuts = await terminal.gateOut(day);
    const base = { date: day.date, port: day.port };
    if (formats.has('edifact'))
      for (const f of edifactFiles(day)) yield { ...base, file: f.name, text: f.text, kind: 'edifact' };
    if (formats.has('json')) {
      for (const f of jsonFiles(day))
        if (f.text !== '') yield { ...base, file: f.name, text: f.text, kind: 'json' };
    }
    const truth = day.truth.map((t) => `${JSON.stringify(t)}\n`).join('');
    if (truth !== '') yield { ...base, file: 'truth.jsonl', text: truth, kind: 'truth' };
    onDay?.({ date: day.date, port: day.port, stats: day.stats });
  }
}

export interface RunSummary {
  files: number;
  bytes: number;
  totals: DayStats;
}

export function emptyStats(): DayStats {
  return {
    discharged: 0,
    loaded: 0,
    gateIn: 0,
    gateOut: 0,
    highRisk: 0,
    reefers: 0,
    highRiskReefers: 0,
    contaminated: 0,
    contaminatedKg: 0,
    baselineSeizedKg: 0,
  };
}

export function addStats(into: DayStats, s: DayStats): void {
  for (const k of Object.keys(into) as (keyof DayStats)[]) into[k] += s[k];
}

/**
 * Writes the simulation to `outDir`, honouring back-pressure so memory stays bounded. truth.jsonl
 * is always written (created empty when nothing was smuggled) so the oracle can be pointed at it.
 */
export async function writeSimulation(
  options: SimulateOptions,
  outDir: string,
  onDay?: (d: DayDone) => void,
): Promise<RunSummary> {
  mkdirSync(outDir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  const totals = emptyStats();
  let bytes = 0;
  const written = new Set<string>(['truth.jsonl']);
  const open = (file: string): WriteStream => {
    let s = streams.get(file);
    if (!s) {
      s = createWriteStream(join(outDir, file), { encoding: 'utf8' });
      streams.set(file, s);
    }
    return s;
  };
  open('truth.jsonl');
  const done = (d: DayDone) => {
    addStats(totals, d.stats);
    onDay?.(d);
  };
  for await (const chunk of simulateStream(options, done)) {
    const s = open(chunk.file);
    written.add(chunk.file);
    bytes += Buffer.byteLength(chunk.text);
    if (!s.write(chunk.text)) await once(s, 'drain');
    // EDIFACT files are whole interchanges: close them at once so open handles stay few.
    if (chunk.kind === 'edifact') {
      s.end();
      await once(s, 'finish');
      streams.delete(chunk.file);
    }
  }
  for (const s of streams.values()) {
    s.end();
    await once(s, 'finish');
  }
  return { files: written.size, bytes, totals };
}
