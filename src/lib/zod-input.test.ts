import { expect, it } from 'vitest';
import { z } from 'zod';
import { patchOf, periodEnd } from './zod-input.ts';

it('patchOf leaves out what a change does not name, where partial() would apply the defaults', () => {
  const schema = z.object({
    title: z.string(),
    tags: z.array(z.string()).default([]),
    four: z.boolean().default(false),
  });
  expect(schema.partial().parse({ title: 'x' })).toEqual({ title: 'x', tags: [], four: false });
  expect(patchOf(schema).parse({ title: 'x' })).toEqual({ title: 'x' });
  expect(patchOf(schema).parse({ four: true })).toEqual({ four: true });
  expect(patchOf(schema).safeParse({ tags: 'no' }).success).toBe(false);
});

it('periodEnd reads a day as through its end, and a timestamp as it is', () => {
  expect(periodEnd.parse('2026-12-31').toISOString()).toBe('2026-12-31T23:59:59.999Z');
  expect(periodEnd.parse('2026-12-31T12:00:00Z').toISOString()).toBe('2026-12-31T12:00:00.000Z');
  expect(periodEnd.safeParse('2026-02-30').success).toBe(false);
});
