import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newConsignment, newContainerEvent } from '../../test/support/factories.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { canonicalText, contentHash } from './keys.ts';

describe('canonicalText', () => {
  it('is exactly canonicalJson, so stored content hashes stay valid', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        expect(canonicalText(json)).toBe(canonicalJson(json));
        expect(canonicalText(anything)).toBe(canonicalJson(anything));
      }),
      { numRuns: 500 },
    );
    for (const record of [
      newConsignment(7),
      newContainerEvent(7, { details: { b: 1, a: [undefined, 'x'] } }),
    ])
      expect(canonicalText(record)).toBe(canonicalJson(record));
  });

  it('gives the same hash whatever the key order', () => {
    expect(contentHash({ a: 1, b: { d: [1, 2], c: 'x' } })).toBe(
      contentHash({ b: { c: 'x', d: [1, 2] }, a: 1 }),
    );
  });
});
