/*
 * ISO 6346 container identification (owner code, equipment category, serial, check digit).
 *
 * Check digit algorithm (ISO 6346:1995, Annex A): each of the first ten characters gets a value
 * (digits their own value; letters A=10 upwards skipping multiples of 11, so A=10, B=12 … K=21,
 * L=23 … U=32, V=34 … Z=38), multiplied by 2^position (position 0..9), summed, taken modulo 11;
 * a remainder of 10 is written as 0. Owners are told to avoid serials that give 10, but such
 * numbers exist in the field and are valid with digit 0.
 * Reference: ISO 6346:1995 "Freight containers — Coding, identification and marking"; BIC.
 */
import { fail, ok, quote, type Result } from './result.ts';

/** Letter values of ISO 6346: A=10, skipping 11, 22 and 33. */
function letterValue(letter: string): number {
  let value = 10;
  for (let c = 65; c < letter.charCodeAt(0); c += 1) {
    value += 1;
    if (value % 11 === 0) value += 1;
  }
  return value;
}

/** Character values by char code: digits their own value, letters as above, -1 for anything else. */
const VALUES = new Int8Array(128).fill(-1);
for (let d = 0; d <= 9; d += 1) VALUES[48 + d] = d;
for (const l of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') VALUES[l.charCodeAt(0)] = letterValue(l);

/**
 * ISO 6346 check digit of the first ten characters (4 letters + 6 digits, upper-case).
 * Returns 0..9 (remainder 10 maps to 0), or null when the body is malformed.
 */
export function containerCheckDigit(first10: string): number | null {
  return first10.length === 10 ? checkDigitOf(first10) : null;
}

/** The check digit of the first ten characters of `s`, or null when they are not 4 letters and 6 digits. */
function checkDigitOf(s: string): number | null {
  if (s.length < 10) return null;
  let sum = 0;
  for (let i = 0; i < 10; i += 1) {
    const c = s.charCodeAt(i);
    if (i < 4 ? c < 65 || c > 90 : c < 48 || c > 57) return null;
    sum += VALUES[c]! * (1 << i);
  }
  return (sum % 11) % 10;
}

/** True when `raw` is already 11 upper-case letters and digits (no spelling to normalise). */
function isCompact(raw: string): boolean {
  if (raw.length !== 11) return false;
  for (let i = 0; i < 11; i += 1) {
    const c = raw.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

export type EquipmentCategory = 'U' | 'J' | 'Z';

export interface ContainerNumber {
  /** Normalised 11 characters, e.g. `MSKU1234565`. */
  number: string;
  /** Three-letter owner code (BIC prefix), e.g. `MSK`. */
  ownerCode: string;
  /** U freight container, J detachable equipment, Z trailer or chassis. */
  category: EquipmentCategory;
  serial: string;
  checkDigit: number;
}

const SHAPE = /^([A-Z]{3})([UJZ])([0-9]{6})([0-9])$/;

/**
 * Parse a container number as written on manifests and in EDIFACT (EQD+CN): tolerant of
 * spaces, hyphens, dots, slashes and lower case (`msku 123456-5`), strict about the check digit.
 * Codes: `invalid_format`, `invalid_check_digit` (the reason names the expected digit).
 */
export function parseContainerNumber(raw: string): Result<ContainerNumber> {
  if (typeof raw !== 'string') return fail('invalid_format', 'container number is not a string');
  const compact = isCompact(raw) ? raw : raw.replace(/[\s\-./]/g, '').toUpperCase();
  const match = SHAPE.exec(compact);
  if (!match) {
    return fail(
      'invalid_format',
      `container number ${quote(raw)} must be 3 owner letters, category U/J/Z, 6 serial digits and a check digit (e.g. MSKU1234565)`,
    );
  }
  const [, ownerCode = '', category = 'U', serial = '', given = ''] = match;
  const expected = checkDigitOf(compact);
  if (expected === null) return fail('invalid_format', `container number ${quote(raw)} is malformed`);
  if (Number(given) !== expected) {
    return fail(
      'invalid_check_digit',
      `container number ${compact} has check digit ${given}, expected ${expected}`,
    );
  }
  return ok({ number: compact, ownerCode, category: toCategory(category), serial, checkDigit: expected });
}

function toCategory(letter: string): EquipmentCategory {
  if (letter === 'J') return 'J';
  if (letter === 'Z') return 'Z';
  return 'U';
}
