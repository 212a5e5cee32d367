import { describe, expect, it } from 'vitest';
import { compileProfileExpression } from './cel-compile.ts';

describe('compileProfileExpression', () => {
  const accepted = [
    "origin.country in ['EC', 'CO'] && container.reefer && consignee.daysKnown < 90",
    'anomalies.sealChanged',
    "goods.hsCodes.exists(c, c.startsWith('0803'))",
    'has(goods.massPerPackageRatioToUsual) && goods.massPerPackageRatioToUsual > 1.5',
    "goods.descriptions.exists(d, d.contains('SAID TO CONTAIN'))",
    'consignee.smoothedHitRate > 0.05 || shipper.priorHits >= 2',
    "size(route.transshipmentPorts) > 0 && !('BEANR' in route.previousPorts)",
    'intelligence.matches > 0',
  ];
  it.each(accepted)('accepts %s', (expression) => {
    expect(compileProfileExpression(expression)).toMatchObject({ ok: true });
  });

  const refused: [string, { offset: number; line: number; column: number }, RegExp][] = [
    ['container.reefer &&& true', { offset: 17, line: 1, column: 18 }, /found &/],
    ["origin.country in ['EC'", { offset: 15, line: 1, column: 16 }, /expect/],
    ['consignee.dayKnown < 90', { offset: 9, line: 1, column: 10 }, /"consignee" has no field "dayKnown"/],
    ['cargo.weight > 3', { offset: 0, line: 1, column: 1 }, /unknown variable "cargo"/],
    ['container.reefer &&\n  origin.country.length > 2', { offset: 36, line: 2, column: 17 }, /is a string/],
    ["origin.country + 1 == 'EC1'", { offset: 15, line: 1, column: 16 }, /no matching overload/],
    ['goods.packages + 0.5 > 3.0', { offset: 15, line: 1, column: 16 }, /no matching overload/],
    ['container.reefer ? 1 : 0', { offset: 0, line: 1, column: 1 }, /true or false/],
    ['   ', { offset: 0, line: 1, column: 1 }, /empty/],
  ];
  it.each(refused)('refuses %j at the position with the reason', (expression, position, reason) => {
    const r = compileProfileExpression(expression);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.position).toEqual(position);
    expect(r.reason).toMatch(reason);
  });

  it('checks both sides of && and || by trying every boolean true and false', () => {
    const r = compileProfileExpression('!container.reefer && origin.country > 3');
    expect(r).toMatchObject({ ok: false });
  });
});
