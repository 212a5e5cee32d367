/*
 * EORI (Economic Operators Registration and Identification) number: ISO 3166-1 alpha-2 country of
 * the issuing member state followed by up to 15 alphanumerics (Commission Regulation (EU)
 * 2015/2446, art. 1(18); EORI guidance). No check digit is defined EU-wide.
 */
import { lookupCountry } from './country.ts';
import { fail, ok, quote, type Result } from './result.ts';

/** Prefixes that are not ISO 3166-1 countries but are issued: XI = Northern Ireland (Windsor Framework). */
const NON_ISO_PREFIXES = new Set(['XI']);

/**
 * Parse an EORI number (`BE0123456789`, `nl 8123.45678`): spaces, dots and hyphens are removed.
 * Codes: `invalid_format`, `unknown_country`.
 */
export function parseEori(raw: string): Result<{ eori: string; country: string }> {
  if (typeof raw !== 'string') return fail('invalid_format', 'EORI number is not a string');
  const eori = raw.replace(/[\s.-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}[A-Z0-9]{1,15}$/.test(eori)) {
    return fail(
      'invalid_format',
      `EORI ${quote(raw)} must be a 2-letter country followed by 1 to 15 letters or digits`,
    );
  }
  const country = eori.slice(0, 2);
  if (!NON_ISO_PREFIXES.has(country)) {
    const known = lookupCountry(country);
    if (!known.ok && known.code === 'code_list_unavailable') return fail(known.code, known.reason);
    if (!known.ok) return fail('unknown_country', `EORI ${eori}: ${country} is not an ISO 3166-1 country`);
  }
  return ok({ eori, country });
}
