import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as domain from './index.ts';

const checks: [name: string, check: (raw: string) => domain.Result<unknown>][] = [
  ['parseContainerNumber', domain.parseContainerNumber],
  ['parseSizeType', domain.parseSizeType],
  ['parseImoNumber', domain.parseImoNumber],
  ['lookupLocode', domain.lookupLocode],
  ['lookupCountry', domain.lookupCountry],
  ['lookupHs', domain.lookupHs],
  ['parseEori', domain.parseEori],
  ['normalizeSeal', domain.normalizeSeal],
];

describe('any input yields a Result, never an exception (property)', () => {
  it.each(checks)('%s', (_name, check) => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[A-Z0-9 .-]{0,14}$/)),
        (raw) => {
          const result = check(raw);
          if (!result.ok) {
            expect(result.code).toMatch(/^[a-z_]+$/);
            expect(result.reason.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('party-name functions accept any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
        expect(typeof domain.normalizePartyName(raw)).toBe('string');
        expect(typeof domain.isToOrder(raw)).toBe('boolean');
      }),
    );
  });
});
