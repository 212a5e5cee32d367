/**
 * Calibration parameters of the simulator. Every number cites its source (FACTS.md =
 * /work/shared/data/calibration/FACTS.md, with section) or says it is an assumption; the
 * reasoning is in docs/simulator.md. Derived quantities are computed here from the sourced ones,
 * never typed in.
 */
export type SmugglingMethod =
  | 'rip_on_rip_off'
  | 'reefer_unit'
  | 'container_structure'
  | 'cover_load'
  | 'dissolved_impregnated'
  | 'new_method';

export const METHODS: readonly SmugglingMethod[] = [
  'rip_on_rip_off',
  'reefer_unit',
  'container_structure',
  'cover_load',
  'dissolved_impregnated',
  'new_method',
];

export interface PortCalibration {
  /** Container moves (boxes, discharge + load) per year. */
  boxesPerYear: number;
  /** Share of moves that are discharges. FACTS §1.1: Antwerp 2017, 3.1 M in / 6.5 M. */
  dischargeShare: number;
  /** Share of discharged boxes that are transshipped (reloaded on another vessel). FACTS §1.2 (CBS 2017: about one third). */
  transshipmentShare: number;
  /** Discharged boxes from high-risk (Latin American) origins per year. FACTS §1.1 (EIPA ≈330,000) and §8. */
  highRiskBoxesPerYear: number;
  /** Reefer share of all boxes. FACTS §1.1 (Antwerp 8.2–8.5%) and §1.2 (Rotterdam ~13%). */
  reeferShare: number;
  /** Cocaine seized in the port in 2022, kg: the calibration target. FACTS §2.1. */
  seizedKg2022: number;
  /** Scan rate on high-risk lanes in the 2022 regime. FACTS §8 (pre-2023 ≈0.10; Europol 2023). */
  highRiskInspectionRate: number;
  /** Scan rate on other lanes. FACTS §3 (Antwerp ~1% of relevant boxes; Rotterdam ~0.5%). */
  ordinaryInspectionRate: number;
}

/**
 * Box volumes: the issue asks for about 7 M containers a year in each port (≈40,000 a day for
 * both). That is 13.5 M TEU / 1.93 TEU per box for Antwerp-Bruges 2022 and 14.45 M / 1.98 for
 * Rotterdam, at the top of the FACTS §8 TEU-per-box range (1.55–1.9), close to the public box
 * counts (Antwerp 6.5 M boxes 2017, Rotterdam 7.5 M c. 2018, FACTS §1). See docs/simulator.md.
 */
export const PORT_CALIBRATION: Readonly<Record<string, PortCalibration>> = {
  BEANR: {
    boxesPerYear: 7_000_000,
    dischargeShare: 0.48,
    transshipmentShare: 0.3,
    highRiskBoxesPerYear: 330_000,
    reeferShare: 0.085,
    seizedKg2022: 109_894,
    highRiskInspectionRate: 0.1,
    ordinaryInspectionRate: 0.01,
  },
  NLRTM: {
    boxesPerYear: 7_300_000,
    dischargeShare: 0.48,
    transshipmentShare: 0.33,
    highRiskBoxesPerYear: 300_000,
    reeferShare: 0.13,
    seizedKg2022: 46_789,
    highRiskInspectionRate: 0.1,
    ordinaryInspectionRate: 0.005,
  },
};

/** Reefer share on the high-risk lanes. FACTS §8 assumption (0.35–0.7). */
export const HIGH_RISK_REEFER_SHARE = 0.5;
/** Share of the high-risk flow routed through Algeciras / Tanger Med rather than direct (assumption). */
export const HIGH_RISK_VIA_HUB_SHARE = 0.1;
/** Share of ordinary-lane discharges between hubs vs other ordinary lanes follows LANES[].share. */

/** Method shares by count. FACTS §8 (Dutch Customs 2023 and press). The new method takes its share from these once it appears. */
export const METHOD_SHARES: Readonly<Record<Exclude<SmugglingMethod, 'new_method'>, number>> = {
  rip_on_rip_off: 0.45,
  reefer_unit: 0.25,
  container_structure: 0.15,
  cover_load: 0.1,
  dissolved_impregnated: 0.05,
};

/** Cocaine mass per load by method: lognormal with this mean (kg) and log-sd. FACTS §8 "mean mass by method". */
export const METHOD_MASS: Readonly<Record<SmugglingMethod, { meanKg: number; sigma: number; minKg: number; maxKg: number }>> = {
  rip_on_rip_off: { meanKg: 200, sigma: 0.8, minKg: 20, maxKg: 900 },
  reefer_unit: { meanKg: 50, sigma: 0.6, minKg: 10, maxKg: 200 },
  container_structure: { meanKg: 100, sigma: 0.4, minKg: 30, maxKg: 300 },
  cover_load: { meanKg: 2500, sigma: 0.9, minKg: 500, maxKg: 13_000 },
  dissolved_impregnated: { meanKg: 300, sigma: 0.6, minKg: 50, maxKg: 1500 },
  new_method: { meanKg: 80, sigma: 0.5, minKg: 20, maxKg: 300 },
};

/**
 * Probability that an inspection of each kind finds the load when it is present. Scan values:
 * FACTS §8 (assumption: structure and chemical concealment are hard to see on X-ray). Physical
 * and chemical values: our assumptions, reasoned in docs/simulator.md.
 */
export const DETECTION: Readonly<Record<SmugglingMethod, Record<'scan' | 'physical' | 'chemical', number>>> = {
  rip_on_rip_off: { scan: 0.8, physical: 0.95, chemical: 0.3 },
  reefer_unit: { scan: 0.6, physical: 0.7, chemical: 0.2 },
  container_structure: { scan: 0.5, physical: 0.4, chemical: 0.1 },
  cover_load: { scan: 0.7, physical: 0.6, chemical: 0.4 },
  dissolved_impregnated: { scan: 0.2, physical: 0.1, chemical: 0.85 },
  new_method: { scan: 0.15, physical: 0.35, chemical: 0.5 },
};

/** Contamination rate on ordinary and hub lanes (FACTS §8: 0.002%, order of magnitude only). */
export const ORDINARY_CONTAMINATION_RATE = 0.00002;

/**
 * Targeting lift of the 2022 regime: a contaminated box on a high-risk lane is this many times
 * more likely to be scanned than a random one (risk analysis, tip-offs). Assumption chosen so
 * that the interception rate by mass lands near FACTS §8's 0.15 (range 0.10–0.30).
 */
export const TARGETING_LIFT = 2.5;

/** Extraction: share of loads the gangs try to take on the terminal, and the success rate. FACTS §8 (0.8) and §6. */
export const EXTRACTION: Readonly<Partial<Record<SmugglingMethod, { attempt: number; success: number; medianHours: number }>>> = {
  rip_on_rip_off: { attempt: 0.9, success: 0.8, medianHours: 18 },
  reefer_unit: { attempt: 0.7, success: 0.8, medianHours: 30 },
  new_method: { attempt: 0.5, success: 0.8, medianHours: 40 },
};

/** Hours after discharge at which the 2022-regime scan happens: uniform in this window (assumption; scans wait for capacity). */
export const BASELINE_SCAN_WINDOW_HOURS: readonly [number, number] = [4, 72];

/** Import dwell time on the terminal: lognormal, mean 4.5 days. FACTS §8 / §6. */
export const DWELL = { meanHours: 4.5 * 24, sigma: 0.5 };

/** Nov–Dec contamination multiplier ("white Christmas"), FACTS §2.6 / §8, normalised so the annual mean is 1. */
export const SEASONAL_PEAK = 1.5;

/** Seal changed for legitimate reasons (origin customs opened and resealed the box): assumption, keeps the seal signal noisy. */
export const LEGIT_RESEAL_RATE = 0.004;

/** Share of rip-on/rip-off loads with an early (night, within ~20 h) pick-up by an unusual haulier. FACTS §6, assumption. */
export const EARLY_PICKUP_SHARE = 0.5;

/** Share of high-risk consignments consigned to a front company without drugs (history-building). Assumption. */
export const FRONT_COMPANY_CLEAN_SHARE = 0.004;
/** Share of front-company bills that are "to order". Assumption. */
export const FRONT_TO_ORDER_SHARE = 0.35;

/** The new concealment method (issue 3): appears on `from` in `port` only, taking `share` of loads there. */
export interface NewMethodSpec {
  port: string;
  from: string;
  share: number;
  /** What it is, for the truth file and docs (never in message files). */
  description: string;
}

export const DEFAULT_NEW_METHOD: NewMethodSpec = {
  port: 'BEANR',
  from: '2022-06-01',
  share: 0.12,
  description: 'cocaine pressed into gel cool packs placed among reefer cargo',
};

/** Mean of a lognormal from its median and log-sd, and the inverse. */
export function lognormalMedian(mean: number, sigma: number): number {
  return mean / Math.exp((sigma * sigma) / 2);
}

/** Discharges per day for a port at scale 1. */
export function dischargesPerDay(port: string): number {
  const p = portCalibration(port);
  return (p.boxesPerYear * p.dischargeShare) / 365;
}

/** High-risk share of discharges, derived. */
export function highRiskShare(port: string): number {
  const p = portCalibration(port);
  return p.highRiskBoxesPerYear / (p.boxesPerYear * p.dischargeShare);
}

/** Reefer share on ordinary lanes, derived so that the port-wide reefer share matches. */
export function ordinaryReeferShare(port: string): number {
  const p = portCalibration(port);
  const h = highRiskShare(port);
  return Math.max(0, (p.reeferShare - h * HIGH_RISK_REEFER_SHARE) / (1 - h));
}

export function portCalibration(port: string): PortCalibration {
  const p = PORT_CALIBRATION[port];
  if (!p) throw new Error(`no calibration for port ${port}; known: ${Object.keys(PORT_CALIBRATION).join(', ')}`);
  return p;
}
