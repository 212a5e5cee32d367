/**
 * The hidden smuggling model: which containers carry cocaine, how it is concealed, how much,
 * whether the gang gets it out, and what the 2022 inspection regime would have seized. The
 * contamination rates are not typed in: `contaminationRates` solves them from the 2022 seizure
 * targets by Monte Carlo over the same draws the generator uses, so calibration and generation
 * cannot drift apart.
 */
import {
  BASELINE_SCAN_WINDOW_HOURS,
  DETECTION,
  DEFAULT_NEW_METHOD,
  EXTRACTION,
  METHOD_MASS,
  METHOD_SHARES,
  type NewMethodSpec,
  ORDINARY_CONTAMINATION_RATE,
  PORT_CALIBRATION,
  portCalibration,
  SEASONAL_PEAK,
  type SmugglingMethod,
  TARGETING_LIFT,
  dischargesPerDay,
  lognormalMedian,
} from './calibration.ts';
import { type DisplacementScenario, inspectionFactor } from './displacement.ts';
import { Rng } from './prng.ts';

const HOUR = 3_600_000;

export interface Load {
  method: SmugglingMethod;
  massKg: number;
  packages: number;
  location: string;
}

export interface BaselineOutcome {
  /** Selected for a scan under the 2022 regime. */
  selected: boolean;
  scanAt?: string;
  detected: boolean;
  seizedKg: number;
}

export interface ExtractionOutcome {
  attempted: boolean;
  at?: string;
  success: boolean;
}

const LOCATION: Readonly<Record<SmugglingMethod, string>> = {
  rip_on_rip_off: 'sports bags behind the doors, on top of the cargo',
  reefer_unit: 'inside the reefer unit (evaporator space, inspection hatch)',
  container_structure: 'in the container structure (floor, side beams, false wall)',
  cover_load: 'inside the cargo packages of the cover load',
  dissolved_impregnated: 'chemically impregnated into the goods',
  new_method: DEFAULT_NEW_METHOD.description,
};

/** Method shares on a given day in a port: the new method takes its share once it has appeared there. */
export function methodShares(port: string, isoDate: string, reefer: boolean, spec: NewMethodSpec = DEFAULT_NEW_METHOD): [SmugglingMethod, number][] {
  const shares: [SmugglingMethod, number][] = Object.entries(METHOD_SHARES).map(([m, s]) => [m as SmugglingMethod, s]);
  // The reefer unit exists only on reefers; its share moves to the others on dry boxes.
  const eligible = shares.filter(([m]) => reefer || m !== 'reefer_unit');
  const active = port === spec.port && isoDate >= spec.from;
  if (!active) return eligible;
  const rest = eligible.map(([m, s]): [SmugglingMethod, number] => [m, s * (1 - spec.share)]);
  const total = eligible.reduce((a, [, s]) => a + s, 0);
  return [...rest, ['new_method', spec.share * total]];
}

/** Draws a concealed load for a method. */
export function drawLoad(method: SmugglingMethod, rng: Rng): Load {
  const m = METHOD_MASS[method];
  const raw = rng.lognormal(lognormalMedian(m.meanKg, m.sigma), m.sigma);
  const massKg = Math.round(Math.min(m.maxKg, Math.max(m.minKg, raw)) * 10) / 10;
  const perPackage =
    method === 'rip_on_rip_off' ? 30 : method === 'reefer_unit' ? 22 : method === 'new_method' ? 0.5 : 1.1;
  const packages = Math.max(1, Math.round(massKg / perPackage));
  return { method, massKg, packages, location: LOCATION[method] };
}

/** When and whether the gang tries to take the load out on (or just off) the terminal. */
export function drawExtraction(method: SmugglingMethod, dischargedAt: number, rng: Rng, earlyPickupAt?: number): ExtractionOutcome {
  const e = EXTRACTION[method];
  if (!e || !rng.chance(e.attempt)) return { attempted: false, success: false };
  const at = earlyPickupAt ?? dischargedAt + rng.lognormal(e.medianHours, 0.6) * HOUR;
  return { attempted: true, at: new Date(at).toISOString(), success: rng.chance(e.success) };
}

/** What the 2022 inspection regime would have done with this box (for calibration; the platform never sees it). */
export function baselineOutcome(
  load: Load,
  highRisk: boolean,
  port: string,
  dischargedAt: number,
  extraction: ExtractionOutcome,
  rng: Rng,
  factor = 1,
): BaselineOutcome {
  const cal = portCalibration(port);
  const rate = (highRisk ? cal.highRiskInspectionRate : cal.ordinaryInspectionRate) * factor;
  if (!rng.chance(Math.min(1, rate * TARGETING_LIFT))) return { selected: false, detected: false, seizedKg: 0 };
  const [lo, hi] = BASELINE_SCAN_WINDOW_HOURS;
  const scanAt = dischargedAt + (lo + rng.next() * (hi - lo)) * HOUR;
  const gone = extraction.success && extraction.at !== undefined && Date.parse(extraction.at) < scanAt;
  const detected = !gone && rng.chance(DETECTION[load.method].scan);
  return { selected: true, scanAt: new Date(scanAt).toISOString(), detected, seizedKg: detected ? load.massKg : 0 };
}

/** Seasonal multiplier for contamination on a date, normalised to an annual mean of 1. */
export function seasonalFactor(isoDate: string): number {
  const month = Number(isoDate.slice(5, 7));
  const peakDays = 61;
  const norm = (peakDays * SEASONAL_PEAK + (365 - peakDays)) / 365;
  return (month >= 11 ? SEASONAL_PEAK : 1) / norm;
}

export interface ContaminationRates {
  /** Per high-risk-lane discharged box. */
  highRisk: number;
  /** Per ordinary or hub box. */
  ordinary: number;
  /** Expected contaminated boxes per year (high-risk lanes). */
  loadsPerYear: number;
  /** Expected seizure per contaminated box under the 2022 regime, kg. */
  seizedPerLoadKg: number;
  /** Expected interception rate by mass. */
  interceptionByMass: number;
}

const rateCache = new Map<string, ContaminationRates>();

/**
 * Solves the contamination rate on high-risk lanes so that the 2022 regime seizes the 2022 mass:
 * rate = (target − expected ordinary-lane seizures) / (seized per load × high-risk boxes a year).
 * Expectations come from 200,000 simulated loads with a fixed internal seed.
 */
export function contaminationRates(port: string): ContaminationRates {
  const cached = rateCache.get(port);
  if (cached) return cached;
  const cal = portCalibration(port);
  const rng = new Rng(`calibration/${port}`);
  const draws = 200_000;
  let seizedHigh = 0;
  let massHigh = 0;
  let seizedOrdinary = 0;
  for (let i = 0; i < draws; i += 1) {
    const reefer = rng.chance(0.5);
    const method = rng.weighted(methodShares(port, '2022-01-01', reefer), ([, s]) => s)[0];
    const load = drawLoad(method, rng);
    const extraction = drawExtraction(method, 0, rng);
    seizedHigh += baselineOutcome(load, true, port, 0, extraction, rng).seizedKg;
    massHigh += load.massKg;
    seizedOrdinary += baselineOutcome(load, false, port, 0, extraction, rng).seizedKg;
  }
  const seizedPerLoadKg = seizedHigh / draws;
  const ordinaryBoxes = dischargesPerDay(port) * 365 - cal.highRiskBoxesPerYear;
  const ordinarySeized = ORDINARY_CONTAMINATION_RATE * ordinaryBoxes * (seizedOrdinary / draws);
  const loadsPerYear = (cal.seizedKg2022 - ordinarySeized) / seizedPerLoadKg;
  const rates: ContaminationRates = {
    highRisk: loadsPerYear / cal.highRiskBoxesPerYear,
    ordinary: ORDINARY_CONTAMINATION_RATE,
    loadsPerYear,
    seizedPerLoadKg,
    interceptionByMass: seizedHigh / massHigh,
  };
  rateCache.set(port, rates);
  return rates;
}

/** Baseline high-risk flow of contaminated boxes per year for every calibrated port (for displacement). */
export function baseFlows(): Record<string, number> {
  return Object.fromEntries(Object.keys(PORT_CALIBRATION).map((p) => [p, contaminationRates(p).loadsPerYear]));
}

/** The 2022-regime inspection factor including any scenario pressure (re-exported for the generator). */
export function regimeFactor(port: string, isoDate: string, scenario: DisplacementScenario): number {
  return inspectionFactor(port, isoDate, scenario);
}
