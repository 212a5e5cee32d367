import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../test/support/shared-data.ts';
import { containerCheckDigit, parseContainerNumber } from './index.ts';

type Case = [input: string, expected: string | { code: string; reasonIncludes?: string }];

function check([input, expected]: Case): void {
  const result = parseContainerNumber(input);
  if (typeof expected === 'string') {
    expect(result, input).toMatchObject({ ok: true, value: { number: expected } });
    return;
  }
  expect(result, input).toMatchObject({ ok: false, code: expected.code });
  if (!result.ok && expected.reasonIncludes) expect(result.reason).toContain(expected.reasonIncludes);
}

describe('parseContainerNumber', () => {
  const cases: Case[] = [
    ['CSQU3054383', 'CSQU3054383'], // the example of ISO 6346 Annex A
    ['MSKU 907032-3', 'MSKU9070323'],
    ['msku9070323', 'MSKU9070323'],
    [' amfu 841981 0 ', 'AMFU8419810'], // real number whose remainder is 10, written as 0
    ['CSQU3054384', { code: 'invalid_check_digit', reasonIncludes: 'expected 3' }],
    ['TRHU4561222', { code: 'invalid_check_digit', reasonIncludes: 'expected' }],
    ['CSQ3054383', { code: 'invalid_format' }],
    ['CSQX3054383', { code: 'invalid_format' }], // category must be U, J or Z
    ['CSQU305438', { code: 'invalid_format' }],
    ['', { code: 'invalid_format' }],
    ['CONTAINER', { code: 'invalid_format' }],
  ];
  it.each(cases)('%s', (...c) => check(c));

  it('splits owner code, category, serial and digit', () => {
    const digit = containerCheckDigit('ABCJ000001');
    const parsed = parseContainerNumber(`ABCJ000001${digit}`);
    expect(parsed).toEqual({
      ok: true,
      value: {
        number: `ABCJ000001${digit}`,
        ownerCode: 'ABC',
        category: 'J',
        serial: '000001',
        checkDigit: digit,
      },
    });
  });

  it('computes the check digit only for 4 letters + 6 digits', () => {
    expect(containerCheckDigit('CSQU305438')).toBe(3);
    expect(containerCheckDigit('csqu305438')).toBeNull();
    expect(containerCheckDigit('CSQU30543')).toBeNull();
  });
});

describe('check digit round trip (property)', () => {
  const body = fc
    .tuple(fc.stringMatching(/^[A-Z]{3}$/), fc.constantFrom('U', 'J', 'Z'), fc.stringMatching(/^[0-9]{6}$/))
    .map(([owner, category, serial]) => `${owner}${category}${serial}`);

  it('any body with its computed digit parses', () => {
    fc.assert(
      fc.property(body, (b) => {
        const digit = containerCheckDigit(b);
        expect(digit).not.toBeNull();
        expect(parseContainerNumber(`${b}${digit}`).ok).toBe(true);
      }),
    );
  });

  it('any other digit fails with invalid_check_digit', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 9 }), (b, other) => {
        fc.pre(other !== containerCheckDigit(b));
        expect(parseContainerNumber(`${b}${other}`)).toMatchObject({
          ok: false,
          code: 'invalid_check_digit',
        });
      }),
    );
  });
});

describe('real container numbers from the EDIFACT samples', () => {
  it('agrees with the recomputed digit on all 4,825 numbers', () => {
    const csv = readFileSync(requireSharedData('iso6346/container-numbers-from-samples.csv'), 'utf8');
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows.length).toBe(4825);
    const invalid: string[] = [];
    for (const [number = '', , , , , computed, valid] of rows) {
      const result = parseContainerNumber(number);
      if (!result.ok) invalid.push(number);
      expect(result.ok, number).toBe(valid === 'true');
      expect(containerCheckDigit(number.slice(0, 10)), number).toBe(Number(computed));
    }
    expect(invalid).toEqual(['TRHU4561222']);
  });
});
