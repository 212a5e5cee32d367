import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imoCheckDigit, parseImoNumber } from './index.ts';

type Case = [input: string, expected: string | { code: string; reasonIncludes?: string }];

function check([input, expected]: Case): void {
  const result = parseImoNumber(input);
  if (typeof expected === 'string') {
    expect(result, input).toEqual({ ok: true, value: expected });
    return;
  }
  expect(result, input).toMatchObject({ ok: false, code: expected.code });
  if (!result.ok && expected.reasonIncludes) expect(result.reason).toContain(expected.reasonIncludes);
}

describe('parseImoNumber', () => {
  const cases: Case[] = [
    ['9321483', '9321483'],
    ['IMO9321483', '9321483'],
    ['IMO 9321483', '9321483'],
    ['imo-9321483', '9321483'],
    ['9074729', '9074729'], // 9·7+0·6+7·5+4·4+7·3+2·2 = 139 → 9
    ['9321484', { code: 'invalid_check_digit', reasonIncludes: 'expected 3' }],
    ['932148', { code: 'invalid_format' }],
    ['93214833', { code: 'invalid_format' }],
    ['IMO', { code: 'invalid_format' }],
    ['MMSI 244123456', { code: 'invalid_format' }],
  ];
  it.each(cases)('%s', (...c) => check(c));

  it('computes the check digit only for six digits', () => {
    expect(imoCheckDigit('932148')).toBe(3);
    expect(imoCheckDigit('93214')).toBeNull();
    expect(imoCheckDigit('93214a')).toBeNull();
  });
});

describe('IMO check digit round trip (property)', () => {
  const body = fc.stringMatching(/^[0-9]{6}$/);

  it('any body with its computed digit parses', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(parseImoNumber(`IMO ${b}${imoCheckDigit(b)}`)).toEqual({
          ok: true,
          value: `${b}${imoCheckDigit(b)}`,
        });
      }),
    );
  });

  it('any other digit fails with invalid_check_digit', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 9 }), (b, other) => {
        fc.pre(other !== imoCheckDigit(b));
        expect(parseImoNumber(`${b}${other}`)).toMatchObject({ ok: false, code: 'invalid_check_digit' });
      }),
    );
  });
});
