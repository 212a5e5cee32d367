/**
 * The one validator every format goes through: checks records against the identifier rules and
 * code lists of src/domain and normalises what it checks (container numbers without spaces,
 * 6-digit HS codes, upper-case seals). A record with any invalid field is rejected as a whole,
 * with one rejection per problem, so the analyst sees everything wrong with it at once; the
 * records beside it are unaffected.
 */
import {
  lookupCountry,
  lookupHs,
  lookupLocode,
  normalizeSeal,
  parseContainerNumber,
  parseEori,
  parseImoNumber,
  parseSizeType,
  type Result,
} from '../domain/index.ts';
import type {
  ConsignmentRecord,
  ContainerEventRecord,
  IngestWarning,
  PartyRecord,
  PortCallRecord,
  Rejection,
  SourceRef,
} from './records.ts';

/** Every field of T named, optional ones as `undefined` when absent (so none can be forgotten). */
type Complete<T> = { [K in keyof Required<T>]: T[K] };

export interface Checked<T> {
  record: T | null;
  rejections: Rejection[];
  warnings: IngestWarning[];
}

/** Collects problems for one record while its fields are normalised. */
class Checker {
  readonly rejections: Rejection[] = [];
  readonly warnings: IngestWarning[] = [];
  constructor(private readonly ref: SourceRef) {}

  /** Checks a required-if-present value; returns the normalised value or the raw one after noting the problem. */
  check<T>(field: string, value: string | undefined, parse: (v: string) => Result<T>): T | undefined {
    if (value === undefined) return undefined;
    const r = parse(value);
    if (r.ok) return r.value;
    this.rejections.push({ ...this.ref, field, value, code: r.code, reason: r.reason });
    return undefined;
  }

  warn(code: string, message: string): void {
    this.warnings.push({ ...this.ref, code, message });
  }

  result<T>(record: T): Checked<T> {
    return {
      record: this.rejections.length === 0 ? record : null,
      rejections: this.rejections,
      warnings: this.warnings,
    };
  }
}

/**
 * Code-list answers remembered per raw value: a file names the same few ports and countries
 * thousands of times. The results are never mutated; the memo is emptied when it gets big.
 */
function remembered(check: (v: string) => Result<string>): (v: string) => Result<string> {
  const memo = new Map<string, Result<string>>();
  return (v) => {
    let r = memo.get(v);
    if (r === undefined) {
      r = check(v);
      if (memo.size >= 5000) memo.clear();
      memo.set(v, r);
    }
    return r;
  };
}

const locode = remembered((v) => {
  const r = lookupLocode(v);
  return r.ok ? { ok: true, value: r.value.code } : r;
});
const country = remembered((v) => {
  const r = lookupCountry(v);
  return r.ok ? { ok: true, value: r.value.code } : r;
});
const containerNumber = (v: string): Result<string> => {
  const r = parseContainerNumber(v);
  return r.ok ? { ok: true, value: r.value.number } : r;
};
const hsCode = (v: string): Result<string> => {
  const r = lookupHs(v);
  return r.ok ? { ok: true, value: r.value.code } : r;
};
const eori = (v: string): Result<string> => {
  const r = parseEori(v);
  return r.ok ? { ok: true, value: r.value.eori } : r;
};

function checkSizeType(c: Checker, field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = parseSizeType(value);
  if (r.ok) return r.value.code;
  // An unknown size-type code does not make the container doubtful: keep it and say so.
  c.warn('unknown_size_type', `${field}: ${r.reason}; kept as sent ("${value}")`);
  return value.trim().toUpperCase();
}

function checkSeals(c: Checker, field: string, seals: string[]): string[] {
  const out: string[] = [];
  seals.forEach((s, i) => {
    const r = normalizeSeal(s);
    // Terminals send placeholders such as "SM" or "SI" in SEL: the movement itself is still
    // worth keeping, so an unreadable seal is dropped with a warning instead of losing the record.
    if (!r.ok) c.warn('unreadable_seal', `${field}[${i}] "${s}": ${r.reason}; seal ignored`);
    else if (!out.includes(r.value)) out.push(r.value);
  });
  return out;
}

function checkPortCallFields(c: Checker, p: PortCallRecord, prefix: string): PortCallRecord {
  return {
    ...p,
    portLocode: c.check(`${prefix}portLocode`, p.portLocode, locode) ?? p.portLocode,
    vesselImo: c.check(`${prefix}vesselImo`, p.vesselImo, parseImoNumber),
    previousPorts: p.previousPorts.map((v, i) => c.check(`${prefix}previousPorts[${i}]`, v, locode) ?? v),
  };
}

function checkParty(c: Checker, party: PartyRecord | undefined, field: string): PartyRecord | undefined {
  if (!party) return undefined;
  // The EORI number has a field of its own. An identifier under the code list EORI (as a NAD
  // gives it) is the same number: it is kept there only, so that a party reads the same whatever
  // the format it came in, and a manifest sent as EDIFACT and as JSON is not a correction.
  let identifiers = party.identifiers;
  let given = party.eori;
  const listed = identifiers.EORI;
  if (listed !== undefined && (given === undefined || given.toUpperCase() === listed.toUpperCase())) {
    given ??= listed;
    identifiers = Object.fromEntries(Object.entries(identifiers).filter(([list]) => list !== 'EORI'));
  }
  return {
    ...party,
    identifiers,
    country: c.check(`${field}.country`, party.country, country),
    eori: c.check(`${field}.eori`, given, eori),
  };
}

export function validatePortCall(p: PortCallRecord, ref: SourceRef): Checked<PortCallRecord> {
  const c = new Checker(ref);
  return c.result(checkPortCallFields(c, p, ''));
}

export function validateConsignment(r: ConsignmentRecord, ref: SourceRef): Checked<ConsignmentRecord> {
  const c = new Checker(ref);
  const place = (field: keyof ConsignmentRecord & string, v: string | undefined) => c.check(field, v, locode);
  const record: ConsignmentRecord = {
    ...r,
    transportDocumentNumber: r.transportDocumentNumber.trim().toUpperCase(),
    portCall: r.portCall ? checkPortCallFields(c, r.portCall, 'portCall.') : undefined,
    portLocode: place('portLocode', r.portLocode),
    shipper: checkParty(c, r.shipper, 'shipper'),
    consignee: checkParty(c, r.consignee, 'consignee'),
    notifyParty: checkParty(c, r.notifyParty, 'notifyParty'),
    forwarder: checkParty(c, r.forwarder, 'forwarder'),
    originCountry: c.check('originCountry', r.originCountry, country),
    placeOfReceipt: place('placeOfReceipt', r.placeOfReceipt),
    placeOfLoading: place('placeOfLoading', r.placeOfLoading),
    placeOfDischarge: place('placeOfDischarge', r.placeOfDischarge),
    placeOfDelivery: place('placeOfDelivery', r.placeOfDelivery),
    transshipmentPorts: r.transshipmentPorts.map(
      (v, i) => c.check(`transshipmentPorts[${i}]`, v, locode) ?? v,
    ),
    goods: r.goods.map((g, i) => ({
      ...g,
      hsCode: c.check(`goods[${i}].hsCode`, g.hsCode, hsCode),
      originCountry: c.check(`goods[${i}].originCountry`, g.originCountry, country),
      containerNumbers: g.containerNumbers.map(
        (n, j) => c.check(`goods[${i}].containerNumbers[${j}]`, n, containerNumber) ?? n,
      ),
    })),
    containers: r.containers.map((k, i) => ({
      ...k,
      containerNumber:
        c.check(`containers[${i}].containerNumber`, k.containerNumber, containerNumber) ?? k.containerNumber,
      sizeType: checkSizeType(c, `containers[${i}].sizeType`, k.sizeType),
      seals: checkSeals(c, `containers[${i}].seals`, k.seals),
    })),
  };
  return c.result(record);
}

export function validateContainerEvent(
  e: ContainerEventRecord,
  ref: SourceRef,
): Checked<ContainerEventRecord> {
  const c = new Checker(ref);
  // Every field written out, in one order: `{ ...e, field: value }` with fields the input lacks
  // takes a slow path in V8 (about 5 µs a record, half of the whole check), and one shape for
  // every record keeps the key, hash and row code after it monomorphic.
  const record: Complete<ContainerEventRecord> = {
    containerNumber: c.check('containerNumber', e.containerNumber, containerNumber) ?? e.containerNumber,
    sizeType: checkSizeType(c, 'sizeType', e.sizeType),
    eventType: e.eventType,
    occurredAt: e.occurredAt,
    placeLocode: c.check('placeLocode', e.placeLocode, locode),
    placeDetail: e.placeDetail,
    seals: checkSeals(c, 'seals', e.seals),
    fullEmpty: e.fullEmpty,
    haulier: e.haulier,
    vesselImo: c.check('vesselImo', e.vesselImo, parseImoNumber),
    vesselName: e.vesselName,
    voyage: e.voyage,
    verifiedGrossMassKg: e.verifiedGrossMassKg,
    statusCode: e.statusCode,
    portOfLoading: c.check('portOfLoading', e.portOfLoading, locode),
    portOfDischarge: c.check('portOfDischarge', e.portOfDischarge, locode),
    details: e.details,
  };
  return c.result(record);
}
