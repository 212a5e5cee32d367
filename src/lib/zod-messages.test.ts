import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './zod-messages.ts';

/** The messages zod reports for `value` against `schema`. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('plain-language zod messages', () => {
  it.each([
    ['a number typed as text', z.coerce.number(), 'abc', 'must be a number'],
    ['text where a number goes', z.number(), 'abc', 'must be a number'],
    ['a missing value', z.number(), undefined, 'is required'],
    ['a number where text goes', z.string(), 5, 'must be text'],
    ['a fraction where a whole number goes', z.number().int(), 2.5, 'must be a whole number'],
    ['a number below the minimum', z.number().min(1), 0, 'must be at least 1'],
    ['zero where it must be positive', z.number().positive(), 0, 'must be more than 0'],
    ['a number above the maximum', z.number().max(10), 11, 'must be at most 10'],
    ['empty text', z.string().min(1), '', 'must not be empty'],
    ['text too short', z.string().min(3), 'ab', 'must have at least 3 characters'],
    ['text too long', z.string().max(3), 'abcd', 'must have at most 3 characters'],
    ['an empty list', z.array(z.string()).min(1), [], 'must list at least 1 item'],
    ['an unknown option', z.enum(['loaded', 'discharged']), 'sunk', 'must be one of loaded, discharged'],
    ['another literal', z.literal('consignment'), 'x', 'must be consignment'],
    [
      'a bad date-time',
      z.iso.datetime(),
      'yesterday',
      'must be an ISO 8601 date and time, e.g. 2026-11-29T14:00:00Z',
    ],
    ['a bad date', z.iso.date(), '29/11/2026', 'must be a date YYYY-MM-DD'],
    ['a bad UUID', z.uuid(), 'x', 'must be a UUID'],
    ['a word for a boolean', z.boolean(), 'yes', 'must be true or false'],
    ['an unknown field', z.object({ a: z.string() }).strict(), { a: 'x', b: 1 }, 'unknown field b'],
  ])('%s', (_, schema, value, expected) => {
    expect(messages(schema, value)).toEqual([expected]);
  });

  it("keeps a schema's own message, and zod's where it has no plainer one", () => {
    expect(messages(z.number().min(1, 'must be a positive count'), 0)).toEqual(['must be a positive count']);
    expect(messages(z.string().regex(/^[A-Z]{5}$/), 'x')).toEqual([
      'Invalid string: must match pattern /^[A-Z]{5}$/',
    ]);
  });
});
