/**
 * The inspection oracle: what an inspection of a container would find, given the hidden truth.
 * Detection probabilities by method and kind are in calibration.ts (DETECTION) with their
 * reasoning in docs/simulator.md: an X-ray scan sees a dense load behind the doors far more
 * easily than thin packets in the floor; a chemical test (ion mobility / Raman on swabs and
 * samples) is what finds cocaine dissolved in or impregnated into goods.
 *
 * Outcomes: `clear`; `anomaly` (a scan shows something that must be opened to confirm);
 * `positive` (a chemical reading for cocaine); `seizure` (drugs found and taken). Clean boxes give
 * false alarms at the rates below (assumptions: Rotterdam opened 6,500 of 40,000 scanned boxes,
 * FACTS.md §3, most of them clean).
 */
import { DETECTION } from './calibration.ts';
import type { Rng } from './prng.ts';
import type { TruthRecord } from './truth.ts';

export type InspectionKind = 'scan' | 'physical' | 'chemical' | 'scan_and_physical';
export const INSPECTION_KINDS: readonly InspectionKind[] = ['scan', 'physical', 'chemical', 'scan_and_physical'];

export const FALSE_ALARM = { scan: 0.03, chemical: 0.01 } as const;

export interface InspectionFinding {
  containerNumber: string;
  kind: InspectionKind;
  outcome: 'clear' | 'anomaly' | 'positive' | 'seizure';
  substance?: 'cocaine';
  massKg?: number;
  packages?: number;
  /** Where the inspector found it (concealment), for seizure records. */
  concealment?: string;
  location?: string;
}

/** Detection probability of a kind of inspection for a load concealed by `method`. */
export function detectionProbability(method: TruthRecord['method'], kind: InspectionKind): number {
  const d = DETECTION[method as keyof typeof DETECTION];
  if (!d) return 0;
  if (kind === 'scan_and_physical') return 1 - (1 - d.scan) * (1 - d.physical);
  return d[kind];
}

/**
 * Inspects `containerNumber`. `truth` is the ground truth by container number (readTruthFile);
 * `at` (ISO time) lets a late inspection find nothing when the gang already extracted the load.
 */
export function inspect(
  truth: ReadonlyMap<string, TruthRecord>,
  containerNumber: string,
  kind: InspectionKind,
  rng: Rng,
  at?: string,
): InspectionFinding {
  const number = containerNumber.replace(/[\s-]/g, '').toUpperCase();
  const clear: InspectionFinding = { containerNumber: number, kind, outcome: 'clear' };
  const t = truth.get(number);
  const extracted = t?.extraction.success && t.extraction.at !== undefined && at !== undefined && at > t.extraction.at;
  if (!t || extracted) {
    if (kind === 'scan' && rng.chance(FALSE_ALARM.scan)) return { ...clear, outcome: 'anomaly', location: 'irregular density in the cargo' };
    if (kind === 'chemical' && rng.chance(FALSE_ALARM.chemical)) return { ...clear, outcome: 'positive', substance: 'cocaine' };
    return clear;
  }
  if (!rng.chance(detectionProbability(t.method, kind))) return clear;
  if (kind === 'scan') return { ...clear, outcome: 'anomaly', location: t.location };
  if (kind === 'chemical') return { ...clear, outcome: 'positive', substance: 'cocaine', location: t.location };
  return {
    ...clear,
    outcome: 'seizure',
    substance: 'cocaine',
    massKg: t.massKg,
    packages: t.packages,
    concealment: t.method,
    location: t.location,
  };
}
