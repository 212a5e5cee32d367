/*
 * Harmonized System (HS 2022) nomenclature: 2-digit chapters, 4-digit headings, 6-digit
 * subheadings, grouped into sections I–XXI. Declarations carry national extensions (EU CN 8
 * digits, TARIC 10, US HTS 10): only the first 6 digits are international, so longer codes are
 * truncated to the subheading and, if that does not exist, to the heading or chapter.
 * Source: datasets/harmonized-system (PDDL), from UN Comtrade. Reference: WCO HS 2022.
 */
import { loadOnce, readCodeList } from './code-list-files.ts';
import { fail, ok, quote, type Result } from './result.ts';

export type HsLevel = 'chapter' | 'heading' | 'subheading';

export interface HsCode {
  code: string;
  level: HsLevel;
  description: string;
  chapter: string;
  heading: string | null;
  /** Roman numeral of the HS section, e.g. `II`. */
  section: string;
  sectionName: string;
}

interface HsNomenclature {
  /** code → [section, description] */
  codes: Map<string, readonly [string, string]>;
  sections: Map<string, string>;
}

const nomenclature = loadOnce((): HsNomenclature | null => {
  const codeRows = readCodeList('hs2022.tsv.gz');
  const sectionRows = readCodeList('hs2022-sections.tsv');
  if (codeRows === null || sectionRows === null) return null;
  const codes = new Map<string, readonly [string, string]>();
  for (const [code, section = '', description = ''] of codeRows) {
    if (code !== undefined) codes.set(code, [section, description]);
  }
  const sections = new Map<string, string>();
  for (const [section, name = ''] of sectionRows) {
    if (section !== undefined) sections.set(section, name);
  }
  return { codes, sections };
});

/**
 * Look up an HS code: `0803`, `080390`, `0803.90`, `0803 90 10`, `08039010`. National codes of
 * 8–10 digits resolve to their 6-digit subheading (or heading/chapter if the subheading does not
 * exist); a 6- or 4-digit code padded with `00` (`080300`) resolves to its heading or chapter.
 * Codes: `invalid_format`, `unknown_hs_code`, `code_list_unavailable`.
 */
export function lookupHs(code: string): Result<HsCode> {
  if (typeof code !== 'string') return fail('invalid_format', 'HS code is not a string');
  const digits = code.replace(/[\s.-]/g, '');
  if (
    !/^[0-9]+$/.test(digits) ||
    digits.length < 2 ||
    digits.length > 12 ||
    (digits.length <= 6 && digits.length % 2 === 1)
  ) {
    const hint = /^[0-9]{3}$|^[0-9]{5}$/.test(digits)
      ? ' (a leading zero may have been lost, e.g. 803 for 0803)'
      : '';
    return fail(
      'invalid_format',
      `HS code ${quote(code)} must be 2, 4 or 6 digits, or a national code of up to 12 digits${hint}`,
    );
  }
  const hs = nomenclature();
  if (hs === null)
    return fail('code_list_unavailable', 'HS 2022 list src/domain/data/hs2022.tsv.gz is missing');
  const national = digits.length > 6;
  for (let length = Math.min(6, digits.length); length >= 2; length -= 2) {
    const candidate = digits.slice(0, length);
    const dropped = digits.slice(length, 6);
    // An exact 4/6-digit code may only fall back when the dropped digits are padding zeros.
    if (!national && /[1-9]/.test(dropped)) continue;
    const entry = hs.codes.get(candidate);
    if (entry === undefined) continue;
    const [section, description] = entry;
    return ok({
      code: candidate,
      level: length === 2 ? 'chapter' : length === 4 ? 'heading' : 'subheading',
      description,
      chapter: candidate.slice(0, 2),
      heading: length >= 4 ? candidate.slice(0, 4) : null,
      section,
      sectionName: hs.sections.get(section) ?? '',
    });
  }
  return fail('unknown_hs_code', `HS code ${digits} is not in the HS 2022 nomenclature`);
}
