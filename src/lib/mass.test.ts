import { expect, it } from 'vitest';
import { roundMass } from './mass.ts';

it('rounds a sum of masses the same whether added exactly or in floating point, in any order, and keeps half a gram', () => {
  const masses = [101.5, 137.7, 0.0005];
  const forward = masses.reduce((a, b) => a + b, 0);
  const backward = [...masses].reverse().reduce((a, b) => a + b, 0);
  expect(roundMass(forward)).toBe(239.2005);
  expect(roundMass(backward)).toBe(239.2005);
  // The database sums numeric masses exactly (239.2005), JavaScript in floating point
  // (239.20049999...): rounded to the gram the two disagreed, so a total depended on the grouping.
  const toGram = (x: number) => Math.round(x * 1000) / 1000;
  expect([toGram(Number('239.2005')), toGram(forward)]).toEqual([239.201, 239.2]);
  expect(roundMass(Number('239.2005'))).toBe(roundMass(forward));
  expect(roundMass(0.0005)).toBe(0.0005);
  expect(roundMass(120.5 + 800 + 45.25)).toBe(965.75);
});
