/*
 * ISO 3166-1 alpha-2 country codes, from the UN/LOCODE country list (datasets/un-locode, PDDL).
 */
import { loadOnce, readCodeList } from './code-list-files.ts';
import { fail, ok, quote, type Result } from './result.ts';

export interface Country {
  code: string;
  name: string;
}

const countries = loadOnce((): Map<string, Country> | null => {
  const rows = readCodeList('countries.tsv');
  if (rows === null) return null;
  const byCode = new Map<string, Country>();
  for (const [code, name] of rows) {
    if (code !== undefined && name !== undefined) byCode.set(code, { code, name });
  }
  return byCode;
});

/** Look up an ISO 3166-1 alpha-2 code (`BE`, `nl`). Codes: `invalid_format`, `unknown_country`, `code_list_unavailable`. */
export function lookupCountry(code: string): Result<Country> {
  if (typeof code !== 'string') return fail('invalid_format', 'country code is not a string');
  const normalised = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(normalised)) {
    return fail('invalid_format', `country code ${quote(code)} must be two letters (ISO 3166-1 alpha-2)`);
  }
  const byCode = countries();
  if (byCode === null)
    return fail('code_list_unavailable', 'country code list src/domain/data/countries.tsv is missing');
  const country = byCode.get(normalised);
  if (country === undefined)
    return fail('unknown_country', `country code ${normalised} is not in ISO 3166-1`);
  return ok(country);
}
