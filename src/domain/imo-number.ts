/*
 * IMO ship identification number (7 digits, last one a check digit).
 *
 * Algorithm: multiply the first six digits by 7, 6, 5, 4, 3, 2 respectively, sum, and take the
 * last digit of the sum (sum mod 10) as the check digit. Example: 932148 →
 * 9·7+3·6+2·5+1·4+4·3+8·2 = 123 → 3, so IMO 9321483.
 * Reference: IMO Resolution A.1117(30), "IMO ship identification number scheme".
 */
import { fail, ok, quote, type Result } from './result.ts';

/** Check digit of the first six digits of an IMO number, or null when not six digits. */
export function imoCheckDigit(first6: string): number | null {
  if (!/^[0-9]{6}$/.test(first6)) return null;
  let sum = 0;
  for (let i = 0; i < 6; i += 1) sum += Number(first6.charAt(i)) * (7 - i);
  return sum % 10;
}

/**
 * Parse an IMO ship number: accepts `9321483`, `IMO9321483`, `IMO 9321483`, `imo-9321483`.
 * Returns the 7 digits. Codes: `invalid_format`, `invalid_check_digit`.
 */
export function parseImoNumber(raw: string): Result<string> {
  if (typeof raw !== 'string') return fail('invalid_format', 'IMO number is not a string');
  const compact = raw
    .replace(/[\s\-.:]/g, '')
    .toUpperCase()
    .replace(/^IMO/, '');
  if (!/^[0-9]{7}$/.test(compact)) {
    return fail('invalid_format', `IMO number ${quote(raw)} must be 7 digits, optionally prefixed by "IMO"`);
  }
  const expected = imoCheckDigit(compact.slice(0, 6));
  const given = Number(compact.charAt(6));
  if (expected !== given) {
    return fail(
      'invalid_check_digit',
      `IMO number ${compact} has check digit ${given}, expected ${expected}`,
    );
  }
  return ok(compact);
}
