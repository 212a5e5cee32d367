/*
 * Container seal numbers (SEL segment, manifests). There is no check digit in ISO 17712; what
 * matters for matching a seal read at the scanner with the one declared is one canonical spelling.
 */
import { fail, ok, quote, type Result } from './result.ts';

/** Upper-case, strip spaces, hyphens and '#'; 3..20 alphanumerics remain. Code `invalid_seal`. */
export function normalizeSeal(raw: string): Result<string> {
  if (typeof raw !== 'string') return fail('invalid_seal', 'seal number is not a string');
  const seal = raw.replace(/[\s\-#]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{3,20}$/.test(seal)) {
    return fail(
      'invalid_seal',
      `seal number ${quote(raw)} must be 3 to 20 letters or digits after removing spaces, hyphens and '#'`,
    );
  }
  return ok(seal);
}
