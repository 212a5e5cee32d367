import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../test/support/shared-data.ts';
import { parseSizeType, type SizeType } from './index.ts';

type Expected = Partial<SizeType> | { code: 'invalid_size_type' };
type Case = [input: string, expected: Expected];

function check([input, expected]: Case): void {
  const result = parseSizeType(input);
  if ('code' in expected && expected.code === 'invalid_size_type') {
    expect(result, input).toMatchObject({ ok: false, code: 'invalid_size_type' });
    return;
  }
  expect(result, input).toMatchObject({ ok: true, value: expected });
}

describe('parseSizeType', () => {
  const cases: Case[] = [
    // ISO 6346:1995
    ['22G1', { code: '22G1', lengthFt: 20, heightFt: 8.5, highCube: false, reefer: false, typeGroup: 'GP' }],
    ['45R1', { lengthFt: 40, heightFt: 9.5, highCube: true, reefer: true, typeGroup: 'RT' }],
    ['42R0', { lengthFt: 40, heightFt: 8.5, highCube: false, reefer: true, typeGroup: 'RE' }],
    ['l5g1', { code: 'L5G1', lengthFt: 45, heightFt: 9.5, highCube: true, reefer: false, typeGroup: 'GP' }],
    ['22T6', { lengthFt: 20, reefer: false, typeGroup: 'TD' }],
    ['22T0', { typeGroup: 'TN' }],
    ['42P1', { lengthFt: 40, typeGroup: 'PF' }],
    ['45P3', { typeGroup: 'PC' }],
    ['45U1', { typeGroup: 'UT', highCube: true }],
    ['22V0', { typeGroup: 'VH' }],
    ['42H5', { typeGroup: 'HI', reefer: false }],
    ['4EG1', { heightFt: 9.5, highCube: true }],
    ['26G1', { heightFt: null, highCube: true }],
    // ISO 6346:1984 four-digit codes seen in EDIFACT samples
    ['2200', { lengthFt: 20, heightFt: 8.5, reefer: false, typeGroup: 'GP' }],
    ['4500', { lengthFt: 40, heightFt: 9.5, highCube: true, reefer: false, typeGroup: 'GP' }],
    ['4510', { lengthFt: 40, highCube: true, reefer: false }],
    ['4532', { lengthFt: 40, highCube: true, reefer: true, typeGroup: 'RT' }],
    ['2232', { lengthFt: 20, reefer: true }],
    ['4310', { lengthFt: 40, heightFt: 8.5, highCube: false }],
    ['4350', { typeGroup: 'UT' }],
    ['4263', { typeGroup: 'PF' }],
    ['4260', { typeGroup: 'PL' }],
    // malformed
    ['22X1', { code: 'invalid_size_type' }],
    ['Z2G1', { code: 'invalid_size_type' }],
    ['23G1', { code: 'invalid_size_type' }],
    ['9200', { code: 'invalid_size_type' }],
    ['22G', { code: 'invalid_size_type' }],
    ['', { code: 'invalid_size_type' }],
  ];
  it.each(cases)('%s', (...c) => check(c));

  it('describes the equipment in words', () => {
    expect(parseSizeType('45R1')).toMatchObject({
      ok: true,
      value: { description: expect.stringContaining('9\'6"') },
    });
  });
});

describe('size-type codes in the real EDIFACT samples', () => {
  it('parses every EQD size-type code found', () => {
    const dir = requireSharedData('edifact-samples');
    const codes = new Set<string>();
    for (const file of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, file), 'latin1');
      for (const m of text.matchAll(/EQD\+CN\+[^+']*\+([0-9A-Z]{4})[:+']/g)) if (m[1]) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(20);
    const rejected = [...codes].filter((code) => !parseSizeType(code).ok);
    expect(rejected).toEqual([]);
  });
});
