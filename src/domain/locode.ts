/*
 * UN/LOCODE (United Nations Code for Trade and Transport Locations): 2-letter ISO 3166 country +
 * 3 characters (letters or digits 2–9). The function field is 8 positions: 1 port, 2 rail,
 * 3 road, 4 airport, 5 postal, 6 ICD/multimodal, 7 fixed transport (pipeline), B border crossing.
 * Source: geoapify/un-locode (MIT), the UNECE list with coordinates. Reference: UNECE
 * Recommendation No. 16, UN/LOCODE Manual.
 */
import { loadOnce, readCodeListText } from './code-list-files.ts';
import { lookupCountry } from './country.ts';
import { fail, ok, quote, type Result } from './result.ts';

export interface Locode {
  code: string;
  country: string;
  name: string;
  subdivision?: string;
  /** UN/LOCODE function classifier, e.g. `1-3-----`. */
  functions: string;
  lat?: number;
  lon?: number;
  /** Function position 1 is `1`: the location is a (sea or inland) port. */
  isPort: boolean;
}

interface LocodeIndex {
  /** The whole list, one location per line: code, name, subdivision, functions, lat, lon. */
  text: string;
  /** code → offset of its line in `text`. */
  lineStart: Map<string, number>;
}

// Only line offsets are indexed at load; a line is split when looked up. Splitting all 116k lines
// up front costs more than the rest of the load together (measured ~230 ms vs ~170 ms).
const locodes = loadOnce((): LocodeIndex | null => {
  const text = readCodeListText('locodes.tsv.gz');
  if (text === null) return null;
  const lineStart = new Map<string, number>();
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    lineStart.set(text.slice(start, start + 5), start);
    if (end < 0) break;
    start = end + 1;
  }
  return { text, lineStart };
});

/** Number of locations in the shipped list (loads it); 0 when the list is missing. */
export function locodeCount(): number {
  return locodes()?.lineStart.size ?? 0;
}

/**
 * Look up a UN/LOCODE (`BEANR`, also `BE ANR`, `be-anr`). O(1) after the first call loads the list.
 * Codes: `invalid_format`, `unknown_country`, `unknown_locode`, `code_list_unavailable`.
 */
export function lookupLocode(code: string): Result<Locode> {
  if (typeof code !== 'string') return fail('invalid_format', 'UN/LOCODE is not a string');
  const normalised = code.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}[A-Z2-9]{3}$/.test(normalised)) {
    return fail(
      'invalid_format',
      `UN/LOCODE ${quote(code)} must be a 2-letter country and 3 letters or digits 2-9, e.g. BEANR`,
    );
  }
  const index = locodes();
  if (index === null)
    return fail('code_list_unavailable', 'UN/LOCODE list src/domain/data/locodes.tsv.gz is missing');
  const start = index.lineStart.get(normalised);
  const country = normalised.slice(0, 2);
  if (start === undefined) {
    if (!lookupCountry(country).ok)
      return fail('unknown_country', `UN/LOCODE ${normalised}: ${country} is not an ISO 3166-1 country`);
    return fail('unknown_locode', `UN/LOCODE ${normalised} is not in the UN/LOCODE list`);
  }
  const end = index.text.indexOf('\n', start);
  const line = index.text.slice(start, end < 0 ? undefined : end);
  const [, name = '', subdivision = '', functions = '', lat = '', lon = ''] = line.split('\t');
  const location: Locode = {
    code: normalised,
    country,
    name,
    functions,
    isPort: functions.charAt(0) === '1',
  };
  if (subdivision !== '') location.subdivision = subdivision;
  if (lat !== '' && lon !== '') {
    location.lat = Number(lat);
    location.lon = Number(lon);
  }
  return ok(location);
}
