import { describe, expect, it } from 'vitest';
import { DETECTION, METHODS, type SmugglingMethod } from './calibration.ts';
import { detectionProbability, FALSE_ALARM, type InspectionKind, inspect } from './oracle.ts';
import { Rng } from './prng.ts';
import type { TruthRecord } from './truth.ts';

function truthFor(method: SmugglingMethod, extractedAt?: string): Map<string, TruthRecord> {
  const t: TruthRecord = {
    kind: 'contamination', containerNumber: 'MSKU1234565', port: 'BEANR', transportDocumentNumber: 'MAEU1', vesselImo: '9321483',
    voyage: '22001A', origin: 'ECGYE', highRiskLane: true, dischargedAt: '2022-01-01T10:00:00.000Z', substance: 'cocaine', method,
    massKg: 240, packages: 8, location: 'behind the doors', manifestSeal: 'ML1', fieldSeal: 'ML2', sealReplaced: true, earlyPickup: false,
    consigneeFront: false, extraction: extractedAt ? { attempted: true, at: extractedAt, success: true } : { attempted: false, success: false },
    baseline: { selected: false, detected: false, seizedKg: 0 },
  };
  return new Map([[t.containerNumber, t]]);
}

function rate(method: SmugglingMethod, kind: InspectionKind, hit: string, n = 4000): number {
  const truth = truthFor(method);
  const rng = new Rng(`oracle/${method}/${kind}`);
  let found = 0;
  for (let i = 0; i < n; i += 1) if (inspect(truth, 'MSKU 123456-5', kind, rng).outcome === hit) found += 1;
  return found / n;
}

describe('inspection oracle', () => {
  it.each(METHODS.map((m) => [m]))('finds %s at the documented rate per kind (±0.035)', (method) => {
    expect(Math.abs(rate(method, 'scan', 'anomaly') - DETECTION[method].scan)).toBeLessThan(0.035);
    expect(Math.abs(rate(method, 'physical', 'seizure') - DETECTION[method].physical)).toBeLessThan(0.035);
    expect(Math.abs(rate(method, 'chemical', 'positive') - DETECTION[method].chemical)).toBeLessThan(0.035);
    expect(Math.abs(rate(method, 'scan_and_physical', 'seizure') - detectionProbability(method, 'scan_and_physical'))).toBeLessThan(0.035);
  });

  it('sees a load behind the doors on a scan more easily than one in the floor, and finds dissolved drugs chemically', () => {
    expect(rate('rip_on_rip_off', 'scan', 'anomaly')).toBeGreaterThan(rate('container_structure', 'scan', 'anomaly') + 0.2);
    expect(rate('dissolved_impregnated', 'chemical', 'positive')).toBeGreaterThan(rate('dissolved_impregnated', 'scan', 'anomaly') + 0.5);
  });

  it('reports the seizure with mass, packages and concealment', () => {
    const f = inspect(truthFor('cover_load'), 'MSKU1234565', 'physical', new Rng('always'));
    const found = [f, ...Array.from({ length: 20 }, (_, i) => inspect(truthFor('cover_load'), 'MSKU1234565', 'physical', new Rng(`r${i}`)))].find(
      (x) => x.outcome === 'seizure',
    );
    expect(found).toMatchObject({ substance: 'cocaine', massKg: 240, packages: 8, concealment: 'cover_load' });
  });

  it('finds nothing once the gang has extracted the load, and raises false alarms on clean boxes at the documented rate', () => {
    const truth = truthFor('rip_on_rip_off', '2022-01-02T02:00:00.000Z');
    const rng = new Rng('late');
    for (let i = 0; i < 200; i += 1) expect(inspect(truth, 'MSKU1234565', 'physical', rng, '2022-01-03T08:00:00.000Z').outcome).toBe('clear');
    const clean = new Rng('clean');
    let alarms = 0;
    for (let i = 0; i < 20_000; i += 1) if (inspect(new Map(), 'TCLU1234566', 'scan', clean).outcome === 'anomaly') alarms += 1;
    expect(Math.abs(alarms / 20_000 - FALSE_ALARM.scan)).toBeLessThan(0.006);
  });
});
