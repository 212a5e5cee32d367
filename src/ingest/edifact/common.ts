/**
 * Shared reading of the EDIFACT segments that carry the same meaning in every transport message
 * (CUSCAR, BAPLIE, CODECO, COARRI, IFTSTA): dates (DTM, code list 2379), places (LOC), parties
 * (NAD), measures (MEA), equipment (EQD), seals (SEL), references (RFF) and the means of
 * transport (TDT). These helpers normalise syntax only (trim, upper-case codes, parse numbers and
 * dates); code lists and check digits are the validator's job.
 */
import { isToOrder } from '../../domain/index.ts';
import { type EdifactMessage, element, formatSegment, type Segment, text } from '../../lib/edifact/index.ts';
import type { IngestItem, PartyRecord, Rejection, SourceRef } from '../records.ts';

/** Trimmed upper-case value, or undefined when empty. */
export function code(value: string | undefined): string | undefined {
  const v = (value ?? '').trim().toUpperCase();
  return v === '' ? undefined : v;
}

/** Trimmed value with inner runs of spaces collapsed, or undefined when empty. */
export function clean(value: string | undefined): string | undefined {
  const v = (value ?? '').trim().replace(/\s+/g, ' ');
  return v === '' ? undefined : v;
}

/**
 * Parses an EDIFACT number. Either '.' or ',' may be the decimal mark (ISO 9735-1 7.2 allows
 * both whatever UNA says); a leading minus is allowed. Undefined when not a number.
 */
export function parseDecimal(value: string | undefined): number | undefined {
  const v = (value ?? '').trim();
  if (v === '') return undefined;
  const normalised = v.includes(',') && !v.includes('.') ? v.replace(',', '.') : v;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(normalised)) return undefined;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Dates: DTM C507 = qualifier (2005) : value (2380) : format (2379).

function twoDigitYear(yy: number): number {
  // Pivot at 70: EDIFACT YY dates in our data are all after 1970.
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

function isoFrom(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  offsetMinutes = 0,
): string | undefined {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return new Date(ms - offsetMinutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const FORMAT_BY_LENGTH: Record<number, string> = { 6: '101', 8: '102', 10: '201', 12: '203', 14: '204' };

/**
 * Converts a DTM value to an ISO 8601 UTC timestamp. Formats (code list 2379): 101 YYMMDD,
 * 102 CCYYMMDD, 201 YYMMDDHHMM, 202 YYMMDDHHMMSS, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS,
 * 303 CCYYMMDDHHMMZZZ and 304 CCYYMMDDHHMMSSZZZ (ZZZ = UTC offset, e.g. +01 or +0100).
 * Without a format the length decides. EDIFACT times without a zone are local to the sender;
 * with nothing better they are read as UTC. Undefined when empty or not a real date.
 */
export function parseEdifactDate(value: string | undefined, format?: string): string | undefined {
  const v = (value ?? '').trim();
  if (v === '') return undefined;
  const f = (format ?? '').trim() || FORMAT_BY_LENGTH[v.length];
  const num = (from: number, to: number): number => Number(v.slice(from, to));
  const digits = (n: number): boolean => v.length >= n && /^\d+$/.test(v.slice(0, n));
  switch (f) {
    case '101':
      return v.length === 6 && digits(6) ? isoFrom(twoDigitYear(num(0, 2)), num(2, 4), num(4, 6)) : undefined;
    case '102':
      return v.length === 8 && digits(8) ? isoFrom(num(0, 4), num(4, 6), num(6, 8)) : undefined;
    case '201':
      return v.length === 10 && digits(10)
        ? isoFrom(twoDigitYear(num(0, 2)), num(2, 4), num(4, 6), num(6, 8), num(8, 10))
        : undefined;
    case '202':
      return v.length === 12 && digits(12)
        ? isoFrom(twoDigitYear(num(0, 2)), num(2, 4), num(4, 6), num(6, 8), num(8, 10), num(10, 12))
        : undefined;
    case '203':
      return v.length === 12 && digits(12)
        ? isoFrom(num(0, 4), num(4, 6), num(6, 8), num(8, 10), num(10, 12))
        : undefined;
    case '204':
      return v.length === 14 && digits(14)
        ? isoFrom(num(0, 4), num(4, 6), num(6, 8), num(8, 10), num(10, 12), num(12, 14))
        : undefined;
    case '303':
    case '304': {
      const n = f === '303' ? 12 : 14;
      if (!digits(n)) return undefined;
      const offset = parseOffset(v.slice(n));
      if (offset === undefined) return undefined;
      const seconds = f === '304' ? num(12, 14) : 0;
      return isoFrom(num(0, 4), num(4, 6), num(6, 8), num(8, 10), num(10, 12), seconds, offset);
    }
    default:
      return undefined;
  }
}

function parseOffset(zone: string): number | undefined {
  const m = /^([+-])(\d{2})(\d{2})?$/.exec(zone.trim());
  if (!m) return zone.trim() === '' || zone.trim().toUpperCase() === 'Z' ? 0 : undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

export interface DateTimeValue {
  qualifier: string;
  raw: string;
  format: string;
  /** ISO timestamp, or undefined when the value is empty or unreadable. */
  iso: string | undefined;
}

/** Reads a DTM segment. */
export function readDtm(segment: Segment): DateTimeValue {
  const raw = text(segment, 1, 2);
  const format = text(segment, 1, 3);
  return { qualifier: text(segment, 1, 1).toUpperCase(), raw, format, iso: parseEdifactDate(raw, format) };
}

// ---------------------------------------------------------------------------------------------
// Places: LOC = qualifier (3227) + C517 location (id : code list : agency : name) + C519 + C553.

export interface Place {
  qualifier: string;
  /** Location id, upper-cased; a UN/LOCODE written "GB PME" is joined to "GBPME". */
  code: string | undefined;
  codeList: string | undefined;
  agency: string | undefined;
  name: string | undefined;
  /** First related location (C519), e.g. a terminal. */
  related: string | undefined;
}

/** Normalises a location code without validating it. */
export function normaliseLocode(value: string | undefined): string | undefined {
  const v = code(value);
  if (v === undefined) return undefined;
  return /^[A-Z]{2} [A-Z0-9]{3}$/.test(v) ? v.replace(' ', '') : v;
}

/** Reads a LOC segment. */
export function readLoc(segment: Segment): Place {
  return {
    qualifier: text(segment, 1).toUpperCase(),
    code: normaliseLocode(element(segment, 2, 1)),
    codeList: code(element(segment, 2, 2)),
    agency: code(element(segment, 2, 3)),
    name: clean(element(segment, 2, 4)),
    related: code(element(segment, 3, 1)) ?? clean(element(segment, 3, 4)),
  };
}

// ---------------------------------------------------------------------------------------------
// Parties: NAD = qualifier (3035) + C082 id + C058 name and address lines + C080 party name +
// C059 street + city (3164) + C819 subdivision + postcode (3251) + country (3207).

export interface PartyReading {
  qualifier: string;
  /** Undefined when the NAD has neither a name nor an identifier. */
  party: PartyRecord | undefined;
}

function joinParts(parts: readonly string[]): string | undefined {
  return clean(
    parts
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .join(' '),
  );
}

/**
 * Reads a NAD into a PartyRecord. The name is C080 (party name) or else the first line of C058
 * (unstructured name and address) or else, for parties sent by code only (NAD+CA+MSK:172:20),
 * the identifier itself. The identifier is kept in `identifiers` keyed by its code list
 * (C082.2, e.g. "172" for carrier codes; "id" when none is given).
 */
export function readNad(segment: Segment): PartyReading {
  const qualifier = text(segment, 1).toUpperCase();
  const id = clean(element(segment, 2, 1));
  const idList = code(element(segment, 2, 2));
  const nameAndAddress = (segment.elements[2] ?? []).map((l) => l.trim()).filter((l) => l !== '');
  const partyName = joinParts(segment.elements[3] ?? []);
  const street = joinParts(segment.elements[4] ?? []);
  const name = partyName ?? nameAndAddress[0] ?? id;
  if (name === undefined) return { qualifier, party: undefined };
  const addressLines = partyName ? nameAndAddress : nameAndAddress.slice(1);
  const party: PartyRecord = { name, identifiers: {} };
  const streetValue = street ?? joinParts(addressLines);
  if (streetValue) party.street = streetValue;
  const city = clean(element(segment, 6));
  if (city) party.city = city;
  const postcode = clean(element(segment, 8));
  if (postcode) party.postcode = postcode;
  const country = code(element(segment, 9));
  if (country) party.country = country;
  if (id) {
    party.identifiers[idList ?? 'id'] = id;
    if (idList === 'EORI') party.eori = code(id);
  }
  return { qualifier, party };
}

/** "To order" consignees (negotiable bills of lading) name no real party. */
export function isToOrderName(name: string | undefined): boolean {
  return name !== undefined && isToOrder(name);
}

// ---------------------------------------------------------------------------------------------
// Measures: MEA = purpose (6311) + C502 dimension (6313) + C174 unit (6411) : value (6314).

export interface Measure {
  purpose: string;
  dimension: string;
  unit: string;
  value: number | undefined;
  raw: string;
}

/** Reads a MEA segment. */
export function readMea(segment: Segment): Measure {
  const raw = text(segment, 3, 2);
  return {
    purpose: text(segment, 1).toUpperCase(),
    dimension: text(segment, 2, 1).toUpperCase(),
    unit: text(segment, 3, 1).toUpperCase(),
    value: parseDecimal(raw),
    raw,
  };
}

const KG_PER_UNIT: Record<string, number> = {
  KGM: 1,
  KG: 1,
  // ANSI X12 unit codes still found in US-originated EDIFACT (K = kilograms, L = pounds).
  K: 1,
  TNE: 1000,
  GRM: 0.001,
  LBR: 0.45359237,
  LB: 0.45359237,
  L: 0.45359237,
};

/** A mass in kg, or undefined for an unknown unit or a missing/negative value. */
export function massKg(measure: Measure): number | undefined {
  const factor = KG_PER_UNIT[measure.unit];
  if (factor === undefined || measure.value === undefined || measure.value < 0) return undefined;
  return Math.round(measure.value * factor * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Equipment: EQD = qualifier (8053) + C237 id + C224 size-type + supplier (8077) + status (8249)
// + full/empty (8169).

export interface Equipment {
  qualifier: string;
  /** Equipment id upper-cased with spaces removed ("MWCU 5602541" -> "MWCU5602541"); undefined when empty. */
  id: string | undefined;
  sizeType: string | undefined;
  status: string | undefined;
  fullEmpty: 'full' | 'empty' | undefined;
}

/** Reads an EQD segment. Full/empty indicator 8169: 4 = empty, 5 = full. */
export function readEqd(segment: Segment): Equipment {
  const id = element(segment, 2, 1).replace(/\s+/g, '').toUpperCase();
  const indicator = text(segment, 6);
  return {
    qualifier: text(segment, 1).toUpperCase(),
    id: id === '' ? undefined : id,
    sizeType: code(element(segment, 3, 1)),
    status: code(element(segment, 5)),
    fullEmpty: indicator === '5' ? 'full' : indicator === '4' ? 'empty' : undefined,
  };
}

/** The seal number of a SEL segment (C215 in later directories, a simple element before). */
export function readSel(segment: Segment): string | undefined {
  return clean(element(segment, 1, 1))?.toUpperCase();
}

/** Reads an RFF segment: C506 qualifier (1153) : reference (1154). */
export function readRff(segment: Segment): { qualifier: string; value: string | undefined } {
  return { qualifier: text(segment, 1, 1).toUpperCase(), value: clean(element(segment, 1, 2)) };
}

// ---------------------------------------------------------------------------------------------
// Means of transport: TDT = stage (8051) + conveyance ref (8028) + C220 mode + C228 means +
// C040 carrier (id : list : agency : name) + direction + C401 + C222 (id : list 1131 : agency :
// vessel name : nationality) + ...

export interface Transport {
  stage: string;
  voyage: string | undefined;
  carrierCode: string | undefined;
  vesselName: string | undefined;
  vesselImo: string | undefined;
  callSign: string | undefined;
}

/**
 * Reads a TDT. The vessel id in C222 is an IMO number when its code list is 146 (Lloyd's
 * register) or it looks like one (7 digits, "IMO" prefix allowed); with list 103 (call sign
 * directory) or any other shape it is a call sign. The SMDG 1.5 (1:911) layout puts C222 at
 * position 4 and the carrier at position 6: when position 8 is empty, the first element with a
 * vessel name in component 4 is taken.
 */
export function readTdt(segment: Segment): Transport {
  let vessel = segment.elements[7] ?? [];
  let carrier = segment.elements[4] ?? [];
  if ((vessel[0] ?? '').trim() === '' && (vessel[3] ?? '').trim() === '') {
    const legacy = segment.elements.findIndex((e, i) => i >= 2 && (e[3] ?? '').trim() !== '');
    if (legacy !== -1) {
      vessel = segment.elements[legacy] ?? [];
      if ((carrier[0] ?? '').trim() === '') {
        carrier = segment.elements.find((e, i) => i > legacy && (e[1] ?? '').trim() === '172') ?? carrier;
      }
    }
  }
  // D.04B placeholders put the name in C228 (position 4) and only the IMO number in C222.
  const name =
    clean(vessel[3]) ??
    clean(segment.elements.find((e, i) => i >= 2 && i !== 4 && (e[3] ?? '').trim() !== '')?.[3]);
  const id = code(vessel[0]);
  const list = code(vessel[1]);
  const imoShape = id !== undefined && /^(IMO)?\d{7}$/.test(id);
  const imo = list === '146' || (list !== '103' && imoShape) ? id?.replace(/^IMO(?=\d{7}$)/, '') : undefined;
  return {
    stage: text(segment, 1).toUpperCase(),
    voyage: clean(element(segment, 2)),
    carrierCode: code(carrier[0]),
    vesselName: name?.toUpperCase(),
    vesselImo: imo,
    callSign: imo === undefined ? id : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Positions and rejections.

/** Where a segment is, for records and problems ("segment 45 (EQD)"). */
export function sourceRef(message: EdifactMessage, segment?: Segment): SourceRef {
  const at = segment ?? { tag: 'UNH', segmentNumber: message.segmentNumber, line: message.line };
  return {
    position: `segment ${at.segmentNumber} (${at.tag})`,
    segmentNumber: at.segmentNumber,
    line: at.line,
    recordRef: message.header.reference,
  };
}

/** A short raw-looking excerpt of a segment, re-serialised with default separators. */
export function excerptOf(segment: Segment): string {
  const written = formatSegment(segment.tag, segment.elements);
  return written.length > 120 ? `${written.slice(0, 117)}...` : written;
}

/** Builds a rejection item for a record that cannot be built from `segment`. */
export function rejectAt(
  message: EdifactMessage,
  segment: Segment | undefined,
  problem: Pick<Rejection, 'code' | 'reason'> & { field?: string; value?: string },
): IngestItem {
  const rejection: Rejection = { ...sourceRef(message, segment), code: problem.code, reason: problem.reason };
  if (problem.field !== undefined) rejection.field = problem.field;
  if (problem.value !== undefined) rejection.value = problem.value;
  if (segment) rejection.excerpt = excerptOf(segment);
  return { kind: 'rejection', rejection };
}

/** Builds a warning item at `segment`. */
export function warnAt(
  message: EdifactMessage,
  segment: Segment | undefined,
  codeValue: string,
  text: string,
): IngestItem {
  return { kind: 'warning', warning: { ...sourceRef(message, segment), code: codeValue, message: text } };
}
