import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LazySegment } from './segments.ts';
import { DEFAULT_SEPARATORS, LEVEL4_REPETITION } from './separators.ts';

describe('LazySegment.element', () => {
  it('reads a value straight from the text exactly as from the split elements (property)', () => {
    const part = fc.stringMatching(/^[A-Z0-9 .:+*]{0,12}$/);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), fc.boolean(), (parts, level4) => {
        const separators = { ...DEFAULT_SEPARATORS, repetition: level4 ? LEVEL4_REPETITION : '' };
        const raw = ['LOC', ...parts].join('+');
        for (let position = 1; position <= 9; position++) {
          for (let component = 1; component <= 4; component++) {
            const fresh = new LazySegment('LOC', 1, 1, raw, separators);
            const split = new LazySegment('LOC', 1, 1, raw, separators);
            const expected = split.elements[position - 1]?.[component - 1] ?? '';
            expect(fresh.element(position, component)).toBe(expected);
            expect(split.element(position, component)).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
