import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupHs, lookupLocode, parseContainerNumber, parseImoNumber } from '../domain/index.ts';
import { buildFleet, ContainerNumberer, withContainerCheckDigit, withImoCheckDigit } from './fleet.ts';
import { simulateDays } from './stream.ts';
import { CARRIERS, LANES, worldHsCodes, worldLocodes } from './world.ts';

describe('world code lists', () => {
  it('uses only UN/LOCODEs that exist, and seaports (function 1) for every lane', () => {
    for (const code of worldLocodes()) {
      const r = lookupLocode(code);
      expect(r.ok, `${code}: ${r.ok ? '' : r.reason}`).toBe(true);
    }
    const csv = readFileSync('/work/shared/data/unlocode/unlocode-with-coordinates.csv', 'latin1').split('\n');
    for (const lane of LANES) {
      const row = csv.find((l) => l.startsWith(`${lane.origin.slice(0, 2)},${lane.origin.slice(2)},`));
      expect(row?.split(',')[6]?.charAt(0), `${lane.origin} is a port`).toBe('1');
    }
  });

  it('uses only HS 2022 subheadings that exist', () => {
    for (const hs of worldHsCodes()) expect(lookupHs(hs).ok, hs).toBe(true);
  });

  it('uses only SMDG liner codes that exist', () => {
    const smdg = JSON.parse(readFileSync('/work/shared/data/smdg/smdg-liner-codes.json', 'utf8')) as { linerSMDGCode: string }[];
    const codes = new Set(smdg.map((c) => c.linerSMDGCode));
    for (const code of Object.keys(CARRIERS)) expect(codes.has(code), code).toBe(true);
  });
});

describe('identities', () => {
  it('computes the IMO and ISO 6346 check digits of known numbers', () => {
    expect(withImoCheckDigit('932148')).toBe('9321483');
    expect(withContainerCheckDigit('CSQU305438')).toBe('CSQU3054383');
  });

  it('hands out distinct container numbers per owner', () => {
    const n = new ContainerNumberer(1);
    const seen = new Set(Array.from({ length: 5000 }, () => n.next('MSKU')));
    expect(seen.size).toBe(5000);
  });

  it('generates only valid IMO numbers, unique across the fleet', () => {
    const imos = [...buildFleet(3).values()].flat().map((v) => v.imo);
    expect(new Set(imos).size).toBe(imos.length);
    for (const imo of imos) expect(parseImoNumber(imo).ok, imo).toBe(true);
  });

  it('writes only valid container numbers and IMO numbers in the traffic', () => {
    let checked = 0;
    for (const day of simulateDays({ ports: ['BEANR', 'NLRTM'], from: '2022-05-01', days: 3, seed: 2, scale: 0.02, formats: ['json'] })) {
      for (const c of day.calls) {
        expect(parseImoNumber(c.call.vesselImo).ok).toBe(true);
        for (const m of [...c.discharges, ...c.loads]) {
          expect(parseContainerNumber(m.containerNumber).ok, m.containerNumber).toBe(true);
          checked += 1;
        }
      }
      for (const m of day.gateIns) expect(parseContainerNumber(m.containerNumber).ok, m.containerNumber).toBe(true);
    }
    expect(checked).toBeGreaterThan(200);
  });
});
