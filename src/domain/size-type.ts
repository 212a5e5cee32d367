/*
 * Container size-type codes as found in EQD segments (BAPLIE, COARRI, CODECO, CUSCAR).
 *
 * ISO 6346:1995 (Annex D/E): four characters — length code, height/width code, then a two-character
 * type code (group letter + detail digit), e.g. 22G1 = 20 ft × 8'6" general purpose with passive
 * vents, 45R1 = 40 ft × 9'6" reefer, L5G1 = 45 ft high cube.
 * The older ISO 6346:1984 code is four digits: length digit, height digit, and a two-digit type
 * (00–19 general purpose, 20–29 insulated, 30–49 refrigerated/heated, 50–59 open top, 60–69
 * platform, 70–79 tank, 80–89 bulk, 90–99 named cargo/air). EDIFACT samples still carry it
 * (2200, 4500, 4532 …). In the 1984 table the odd height digits (1, 3) are variants of the even
 * height below them; we report the height only.
 * Reference: ISO 6346:1995 Annex E; ISO 6346:1984 Table 3/4; SMDG ISO size-type conversion table.
 */
import { fail, ok, quote, type Result } from './result.ts';

export interface SizeType {
  /** Code as given, upper-case, e.g. `45R1` or `4532`. */
  code: string;
  lengthFt: number | null;
  heightFt: number | null;
  /** Height 9'6" or more. */
  highCube: boolean;
  /** Refrigerated (integral or removable refrigeration unit). */
  reefer: boolean;
  /** ISO type group, e.g. GP, VH, RE, RT, RS, HR, HI, UT, PL, PF, PC, PS, TN, TD, TG, BU, SN, AS. */
  typeGroup: string;
  description: string;
}

/** ISO 6346:1995 length codes (first character) in feet. */
const LENGTH_1995: Readonly<Record<string, number>> = {
  '1': 10,
  '2': 20,
  '3': 30,
  '4': 40,
  A: 23.5,
  B: 24,
  C: 24.5,
  D: 24.5,
  E: 25.7,
  F: 26.6,
  G: 41,
  H: 43,
  K: 44.6,
  L: 45,
  M: 48,
  N: 49,
  P: 53,
};

/** ISO 6346:1995 height codes (second character) in feet; C–F are 2438–2500 mm wide, L–P wider. */
const HEIGHT_1995: Readonly<Record<string, number | null>> = {
  '0': 8,
  '2': 8.5,
  '4': 9,
  '5': 9.5,
  '6': null,
  '8': 4.25,
  '9': 4,
  C: 8.5,
  D: 9,
  E: 9.5,
  F: null,
  L: 8.5,
  M: 9,
  N: 9.5,
  P: null,
};

/** Height codes meaning "more than 9'6"": no exact height, but certainly high cube. */
const TALLER_THAN_HIGH_CUBE = new Set(['6', 'F', 'P']);

interface TypeGroup {
  group: string;
  description: string;
  reefer: boolean;
}

/** ISO 6346:1995 type code (third + fourth character) → type group. */
function typeGroup1995(type: string): TypeGroup | null {
  const letter = type.charAt(0);
  const detail = Number(type.charAt(1));
  switch (letter) {
    case 'G':
      return { group: 'GP', description: 'general purpose', reefer: false };
    case 'V':
      return { group: 'VH', description: 'general purpose, ventilated', reefer: false };
    case 'B':
      return { group: 'BU', description: 'dry bulk', reefer: false };
    case 'S':
      return { group: 'SN', description: 'named cargo (livestock, vehicles …)', reefer: false };
    case 'R':
      if (detail === 0) return { group: 'RE', description: 'refrigerated, mechanically', reefer: true };
      if (detail === 1) return { group: 'RT', description: 'refrigerated and heated', reefer: true };
      if (detail === 2 || detail === 3)
        return { group: 'RS', description: 'refrigerated, self-powered', reefer: true };
      return { group: 'RE', description: 'refrigerated (non-standard detail code)', reefer: true };
    case 'H':
      if (detail <= 4)
        return {
          group: 'HR',
          description: 'thermal, removable refrigeration/heating equipment',
          reefer: true,
        };
      return { group: 'HI', description: 'thermal, insulated', reefer: false };
    case 'U':
      return { group: 'UT', description: 'open top', reefer: false };
    case 'P':
      if (detail === 0) return { group: 'PL', description: 'platform', reefer: false };
      if (detail === 1 || detail === 2)
        return { group: 'PF', description: 'flat rack, fixed ends', reefer: false };
      if (detail === 3 || detail === 4)
        return { group: 'PC', description: 'flat rack, collapsible ends', reefer: false };
      return { group: 'PS', description: 'platform, superstructure (skeletal)', reefer: false };
    case 'T':
      if (detail <= 2) return { group: 'TN', description: 'tank, non-dangerous liquids', reefer: false };
      if (detail <= 6) return { group: 'TD', description: 'tank, dangerous liquids', reefer: false };
      return { group: 'TG', description: 'tank, gases', reefer: false };
    case 'A':
      return { group: 'AS', description: 'air/surface', reefer: false };
    default:
      return null;
  }
}

/** ISO 6346:1984 two-digit type code → type group. */
function typeGroup1984(type: number): TypeGroup {
  if (type < 10) return { group: 'GP', description: 'general purpose', reefer: false };
  if (type < 20) return { group: 'VH', description: 'general purpose, ventilated', reefer: false };
  if (type < 30) return { group: 'HI', description: 'thermal, insulated', reefer: false };
  if (type < 40)
    return {
      group: type === 32 ? 'RT' : 'RE',
      description: type === 32 ? 'refrigerated and heated' : 'refrigerated',
      reefer: true,
    };
  if (type < 50)
    return { group: 'HR', description: 'thermal, removable refrigeration/heating equipment', reefer: true };
  if (type < 60) return { group: 'UT', description: 'open top', reefer: false };
  if (type < 70)
    return {
      group: type === 60 ? 'PL' : 'PF',
      description: type === 60 ? 'platform' : 'flat rack',
      reefer: false,
    };
  if (type < 80) return { group: 'TN', description: 'tank', reefer: false };
  if (type < 90) return { group: 'BU', description: 'dry bulk', reefer: false };
  return { group: 'SN', description: 'named cargo / air-surface', reefer: false };
}

const LENGTH_1984: Readonly<Record<string, number>> = { '1': 10, '2': 20, '3': 30, '4': 40 };
const HEIGHT_1984: Readonly<Record<string, number>> = {
  '0': 8,
  '1': 8,
  '2': 8.5,
  '3': 8.5,
  '4': 9,
  '5': 9.5,
  '6': 9.5,
  '8': 4.25,
  '9': 4,
};

/**
 * Parse a container size-type code, ISO 6346:1995 (`22G1`, `45R1`, `L5G1`) or the older 4-digit
 * ISO 6346:1984 code (`2200`, `4532`). Code `invalid_size_type` with the failing position.
 */
export function parseSizeType(raw: string): Result<SizeType> {
  if (typeof raw !== 'string') return fail('invalid_size_type', 'size-type code is not a string');
  const code = raw.replace(/\s/g, '').toUpperCase();
  if (/^[0-9]{4}$/.test(code)) return parse1984(code);
  if (!/^[0-9A-Z]{2}[A-Z][0-9]$/.test(code)) {
    return fail(
      'invalid_size_type',
      `size-type code ${quote(raw)} must be 4 characters, e.g. 22G1, 45R1 or 2200`,
    );
  }
  const lengthFt = LENGTH_1995[code.charAt(0)];
  if (lengthFt === undefined)
    return fail('invalid_size_type', `size-type ${code}: unknown length code ${code.charAt(0)}`);
  const heightChar = code.charAt(1);
  const heightFt = HEIGHT_1995[heightChar];
  if (heightFt === undefined)
    return fail('invalid_size_type', `size-type ${code}: unknown height/width code ${heightChar}`);
  const group = typeGroup1995(code.slice(2));
  if (group === null)
    return fail('invalid_size_type', `size-type ${code}: unknown type group ${code.charAt(2)}`);
  const highCube = TALLER_THAN_HIGH_CUBE.has(heightChar) || (heightFt !== null && heightFt >= 9.5);
  return ok(describe(code, lengthFt, heightFt, highCube, group));
}

function parse1984(code: string): Result<SizeType> {
  const lengthFt = LENGTH_1984[code.charAt(0)];
  if (lengthFt === undefined)
    return fail('invalid_size_type', `size-type ${code}: unknown 1984 length digit ${code.charAt(0)}`);
  const heightFt = HEIGHT_1984[code.charAt(1)];
  if (heightFt === undefined)
    return fail('invalid_size_type', `size-type ${code}: unknown 1984 height digit ${code.charAt(1)}`);
  const group = typeGroup1984(Number(code.slice(2)));
  return ok(describe(code, lengthFt, heightFt, heightFt >= 9.5, group));
}

function describe(
  code: string,
  lengthFt: number,
  heightFt: number | null,
  highCube: boolean,
  group: TypeGroup,
): SizeType {
  const height = heightFt === null ? 'over 9\'6"' : feetAndInches(heightFt);
  return {
    code,
    lengthFt,
    heightFt,
    highCube,
    reefer: group.reefer,
    typeGroup: group.group,
    description: `${lengthFt}ft ${height}${highCube ? ' high cube' : ''} ${group.description}`,
  };
}

function feetAndInches(feet: number): string {
  const whole = Math.floor(feet);
  const inches = Math.round((feet - whole) * 12);
  return inches === 0 ? `${whole}'` : `${whole}'${inches}"`;
}
