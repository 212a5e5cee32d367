import { describe, expect, it } from 'vitest';
import { HIGH_RISK_REEFER_SHARE, PORT_CALIBRATION, dischargesPerDay, highRiskShare } from './calibration.ts';
import { DISPLACED_SHARE, flowMultiplier, parseScenario } from './displacement.ts';
import { Rng } from './prng.ts';
import { baseFlows, baselineOutcome, contaminationRates, drawExtraction, drawLoad, methodShares } from './smuggling.ts';
import { addStats, emptyStats, simulateDays } from './stream.ts';

const DAYS = 30;
const SCALE = 0.05;

// One 30-day run per port, shared by the volume tests (tolerances in docs/simulator.md).
const totals = Object.fromEntries(
  ['BEANR', 'NLRTM'].map((port) => {
    const t = emptyStats();
    for (const d of simulateDays({ ports: [port], from: '2022-02-01', days: DAYS, seed: 11, scale: SCALE, formats: ['json'] })) addStats(t, d.stats);
    return [port, t];
  }),
);

describe.each(['BEANR', 'NLRTM'])('calibration of %s over 30 days at scale 0.05', (port) => {
  const t = totals[port]!;
  const cal = PORT_CALIBRATION[port]!;

  it('discharges ~7 M boxes a year x discharge share (±15% over 30 days)', () => {
    const expected = dischargesPerDay(port) * DAYS * SCALE;
    expect(t.discharged).toBeGreaterThan(expected * 0.85);
    expect(t.discharged).toBeLessThan(expected * 1.15);
  });

  it('moves discharge + load volumes that annualise to the port figure (±15%)', () => {
    const annual = ((t.discharged + t.gateIn + t.discharged * cal.transshipmentShare) / DAYS / SCALE) * 365;
    expect(annual / cal.boxesPerYear).toBeGreaterThan(0.85);
    expect(annual / cal.boxesPerYear).toBeLessThan(1.15);
  });

  it('brings the high-risk lane share of discharges (±25% relative)', () => {
    const share = t.highRisk / t.discharged;
    expect(share / highRiskShare(port)).toBeGreaterThan(0.75);
    expect(share / highRiskShare(port)).toBeLessThan(1.25);
  });

  it('has the documented reefer shares, overall and on fruit lanes (±0.1 on high-risk, ±35% overall)', () => {
    expect(Math.abs(t.highRiskReefers / t.highRisk - HIGH_RISK_REEFER_SHARE)).toBeLessThan(0.1);
    expect(t.reefers / t.discharged / cal.reeferShare).toBeGreaterThan(0.65);
    expect(t.reefers / t.discharged / cal.reeferShare).toBeLessThan(1.35);
  });

  it('contaminates high-risk boxes at the solved rate (count within 3 Poisson sd)', () => {
    const rates = contaminationRates(port);
    const expected = rates.highRisk * t.highRisk + rates.ordinary * (t.discharged - t.highRisk);
    expect(Math.abs(t.contaminated - expected)).toBeLessThan(3 * Math.sqrt(expected) + 2);
  });
});

describe('seizure calibration', () => {
  it.each([
    ['BEANR', 109_894],
    ['NLRTM', 46_789],
  ])('the 2022 regime seizes the 2022 mass in %s (independent Monte Carlo, ±7%)', (port, target) => {
    const rates = contaminationRates(port);
    const rng = new Rng(`check/${port}`);
    let seized = 0;
    const n = 60_000;
    for (let i = 0; i < n; i += 1) {
      const method = rng.weighted(methodShares(port, '2022-01-01', rng.chance(0.5)), ([, s]) => s)[0];
      const load = drawLoad(method, rng);
      seized += baselineOutcome(load, true, port, 0, drawExtraction(method, 0, rng), rng).seizedKg;
    }
    const annual = (seized / n) * rates.loadsPerYear;
    expect(annual / target).toBeGreaterThan(0.93);
    expect(annual / target).toBeLessThan(1.07);
    expect(rates.interceptionByMass).toBeGreaterThan(0.1);
    expect(rates.interceptionByMass).toBeLessThan(0.3);
  });

  it('gives Antwerp more contamination than Rotterdam, as the 2022 seizures say', () => {
    expect(contaminationRates('BEANR').loadsPerYear).toBeGreaterThan(contaminationRates('NLRTM').loadsPerYear * 1.8);
  });

  it('introduces the new method only in its port and from its date', () => {
    expect(methodShares('BEANR', '2022-05-31', true).some(([m]) => m === 'new_method')).toBe(false);
    expect(methodShares('BEANR', '2022-06-01', true).some(([m]) => m === 'new_method')).toBe(true);
    expect(methodShares('NLRTM', '2022-12-01', true).some(([m]) => m === 'new_method')).toBe(false);
    expect(methodShares('BEANR', '2022-01-01', false).some(([m]) => m === 'reefer_unit')).toBe(false);
  });
});

describe('displacement', () => {
  const flows = baseFlows();

  it('changes nothing without a scenario', () => {
    expect(flowMultiplier('BEANR', '2022-07-01', [], flows)).toBe(1);
  });

  it('moves half the flow Rotterdam loses to Antwerp once the lag has passed', () => {
    const scenario = parseScenario('NLRTM:2022-01-01:2');
    const lost = 0.5 * flows.NLRTM!;
    expect(flowMultiplier('NLRTM', '2022-12-01', scenario, flows)).toBeCloseTo(0.5, 5);
    expect(flowMultiplier('BEANR', '2022-12-01', scenario, flows)).toBeCloseTo(1 + (DISPLACED_SHARE * lost) / flows.BEANR!, 5);
    const early = flowMultiplier('BEANR', '2022-02-01', scenario, flows);
    expect(early).toBeGreaterThan(1);
    expect(early).toBeLessThan(flowMultiplier('BEANR', '2022-12-01', scenario, flows));
  });

  it('rejects a malformed scenario with the offending part', () => {
    expect(() => parseScenario('NLRTM:2022-01-01')).toThrow(/NLRTM:2022-01-01/);
  });
});
