/*
 * Displacement ("waterbed effect") between the ports.
 *
 * A scenario is a time series of inspection-pressure changes: from a date, a port's inspection
 * rate is multiplied by `factor` (immediately: scanners and staff act at once). The smugglers
 * respond with a lag: the perceived pressure ramps linearly from 1 to `factor` over LAG_DAYS.
 * The flow a port keeps is pressure^-ELASTICITY of its baseline; of the flow it loses,
 * DISPLACED_SHARE moves to the other calibrated ports in proportion to their baseline flows, the
 * rest is intercepted upstream or goes elsewhere (Hamburg, Vlissingen, Spain).
 *
 * Parameters (FACTS.md §5 and §8): 50% (30–80%) of lost flow moves within 6–12 months; we ramp
 * over 180 days. Elasticity 1 is an assumption (doubling the pressure halves the flow).
 * With the default empty scenario every multiplier is 1, so 2022 calibration is unaffected.
 */
import { z } from 'zod';

export const DISPLACED_SHARE = 0.5;
export const LAG_DAYS = 180;
export const ELASTICITY = 1;

export const pressureChange = z.object({
  port: z.string().regex(/^[A-Z]{5}$/),
  from: z.iso.date(),
  factor: z.number().positive(),
});
export type PressureChange = z.infer<typeof pressureChange>;
export type DisplacementScenario = readonly PressureChange[];

const DAY = 86_400_000;

/**
 * Parses `NLRTM:2022-03-01:2` (port, date, factor), several separated by commas.
 * Throws with the offending part when malformed.
 */
export function parseScenario(text: string): PressureChange[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const [port, from, factor] = part.trim().split(':');
    const r = pressureChange.safeParse({ port, from, factor: Number(factor) });
    if (!r.success) throw new Error(`pressure "${part}" must be PORT:YYYY-MM-DD:FACTOR, e.g. NLRTM:2022-03-01:2`);
    return r.data;
  });
}

/** Immediate inspection-rate multiplier for a port on a date. */
export function inspectionFactor(port: string, isoDate: string, scenario: DisplacementScenario): number {
  let f = 1;
  for (const c of scenario) if (c.port === port && c.from <= isoDate) f *= c.factor;
  return f;
}

/** Pressure as the smugglers perceive it: each change ramps in over LAG_DAYS. */
export function perceivedPressure(port: string, isoDate: string, scenario: DisplacementScenario): number {
  const t = Date.parse(isoDate);
  let p = 1;
  for (const c of scenario) {
    if (c.port !== port || c.from > isoDate) continue;
    const ramp = Math.min(1, (t - Date.parse(c.from)) / (LAG_DAYS * DAY));
    p *= 1 + (c.factor - 1) * ramp;
  }
  return p;
}

/**
 * Multiplier on a port's contamination rate on a date: the flow it keeps plus what it receives
 * from the others. `baseFlows` are the calibrated contaminated boxes per year per port.
 */
export function flowMultiplier(
  port: string,
  isoDate: string,
  scenario: DisplacementScenario,
  baseFlows: Readonly<Record<string, number>>,
): number {
  if (scenario.length === 0) return 1;
  const own = baseFlows[port];
  if (!own) return 1;
  const kept = (p: string) => perceivedPressure(p, isoDate, scenario) ** -ELASTICITY;
  let inflow = 0;
  for (const [other, flow] of Object.entries(baseFlows)) {
    if (other === port) continue;
    inflow += Math.max(0, 1 - kept(other)) * flow * DISPLACED_SHARE;
  }
  return kept(port) + inflow / own;
}
