/**
 * BAPLIE (bay plan / occupied and empty locations) -> one port call and one `on_board`
 * container event per container.
 *
 * Layout read (SMDG BAPLIE user manuals 1.5 (UNH 1:911), 2.0 and 2.1 (D.95B), and D.04B
 * placeholders): header TDT (voyage, carrier, vessel) with LOC+5 (place of departure, i.e. the
 * port of the call) / LOC+61 (next port of call) and DTM (178 actual arrival, 132 ETA, 133 ETD,
 * 137 document date). Then one group per occupied cell, opened by LOC+147 (stowage cell
 * BBBRRTT), holding FTX, MEA (WT gross mass, VGM verified gross mass), TMP (reefer setting), LOC
 * (9 or 6 port of loading, 11 or 12 port of discharge, 83 final destination), RFF, EQD (CN
 * container number, size-type, full/empty), NAD+CA (operator) and DGS (dangerous goods).
 */
import { type EdifactMessage, element, type Segment, text } from '../../lib/edifact/index.ts';
import type { ContainerEventRecord, IngestItem, PortCallRecord } from '../records.ts';
import {
  clean,
  code,
  massKg,
  parseDecimal,
  readDtm,
  readEqd,
  readLoc,
  readMea,
  readNad,
  readRff,
  readTdt,
  sourceRef,
  warnAt,
} from './common.ts';

/** A LOCODE-shaped value (syntax only): "VSL" or "DEPARTPLACE" placeholders are not ports. */
const LOCODE_SHAPE = /^[A-Z]{2}[A-Z0-9]{3}$/;

interface CellGroup {
  start: Segment;
  cell: string | undefined;
  portOfLoading?: string;
  portOfDischarge?: string;
  details: Record<string, unknown>;
  verifiedGrossMassKg?: number;
  containers: Segment[];
}

/** Maps one BAPLIE message. Never throws. */
export function mapBaplie(message: EdifactMessage): IngestItem[] {
  const items: IngestItem[] = [];
  const header = readHeader(message);
  const call = header.call;
  if (call) items.push({ kind: 'port_call', ref: sourceRef(message), record: call });
  else
    items.push(warnAt(message, undefined, 'missing_port_call', 'no LOCODE in LOC+5 or LOC+61: no port call'));

  let slotsWithoutContainer = 0;
  let firstSlot: Segment | undefined;
  for (const group of cellGroups(message)) {
    for (const eqd of group.containers) {
      const equipment = readEqd(eqd);
      if (equipment.qualifier !== 'CN') continue;
      if (!equipment.id) {
        slotsWithoutContainer++;
        firstSlot ??= eqd;
        continue;
      }
      const record: ContainerEventRecord = {
        containerNumber: equipment.id,
        eventType: 'on_board',
        seals: [],
        details: { ...group.details },
      };
      const sizeType = equipment.sizeType ?? code(element(eqd, 3, 4));
      if (sizeType) record.sizeType = sizeType;
      if (equipment.fullEmpty) record.fullEmpty = equipment.fullEmpty;
      if (header.occurredAt) record.occurredAt = header.occurredAt;
      if (call) record.placeLocode = call.portLocode;
      if (group.cell) record.placeDetail = group.cell;
      const vessel = header.vessel;
      if (vessel.vesselImo) record.vesselImo = vessel.vesselImo;
      if (vessel.vesselName) record.vesselName = vessel.vesselName;
      if (vessel.voyage) record.voyage = vessel.voyage;
      if (group.verifiedGrossMassKg !== undefined) record.verifiedGrossMassKg = group.verifiedGrossMassKg;
      if (group.portOfLoading) record.portOfLoading = group.portOfLoading;
      if (group.portOfDischarge) record.portOfDischarge = group.portOfDischarge;
      items.push({ kind: 'container_event', ref: sourceRef(message, eqd), record });
    }
  }
  if (slotsWithoutContainer > 0) {
    items.push(
      warnAt(
        message,
        firstSlot,
        'slot_without_container',
        `${slotsWithoutContainer} stowage slot(s) with an empty EQD container number skipped (first one here)`,
      ),
    );
  }
  return items;
}

interface BayPlanHeader {
  call: PortCallRecord | undefined;
  /** Vessel and voyage, known even when the call port is a placeholder. */
  vessel: Partial<PortCallRecord>;
  occurredAt: string | undefined;
}

function readHeader(message: EdifactMessage): BayPlanHeader {
  const places = new Map<string, string>();
  const dates = new Map<string, string>();
  const call: Partial<PortCallRecord> = {};
  for (const segment of message.segments) {
    if (segment.tag === 'LOC' && text(segment, 1) === '147') break;
    if (segment.tag === 'TDT') {
      const t = readTdt(segment);
      call.voyage ??= t.voyage;
      call.carrierCode ??= t.carrierCode;
      call.vesselName ??= t.vesselName;
      call.vesselImo ??= t.vesselImo;
      call.callSign ??= t.callSign;
    } else if (segment.tag === 'LOC') {
      const place = readLoc(segment);
      if (place.code && !places.has(place.qualifier)) places.set(place.qualifier, place.code);
    } else if (segment.tag === 'DTM') {
      const d = readDtm(segment);
      if (d.iso && !dates.has(d.qualifier)) dates.set(d.qualifier, d.iso);
    } else if (segment.tag === 'RFF') {
      const ref = readRff(segment);
      if (ref.qualifier === 'VON' && ref.value) call.voyage ??= ref.value;
    }
  }
  const occurredAt = dates.get('178') ?? dates.get('137');
  // A bay plan is made at the port the ship leaves (LOC+5); arrival plans from stowage software
  // may put a placeholder there and the port in LOC+61.
  const portLocode = [places.get('5'), places.get('61')].find((p) => p !== undefined && LOCODE_SHAPE.test(p));
  if (!portLocode) return { call: undefined, vessel: call, occurredAt };
  const record: PortCallRecord = { ...call, portLocode, previousPorts: [] };
  const eta = dates.get('132');
  const etd = dates.get('133');
  const ata = dates.get('178');
  if (eta) record.eta = eta;
  if (etd) record.etd = etd;
  if (ata) record.ata = ata;
  return { call: record, vessel: call, occurredAt };
}

/** Splits the detail part into LOC+147 groups; an EQD before any LOC+147 gets a group without a cell. */
function* cellGroups(message: EdifactMessage): Generator<CellGroup> {
  let group: CellGroup | undefined;
  let inDetail = false;
  for (const segment of message.segments) {
    const isCell = segment.tag === 'LOC' && text(segment, 1) === '147';
    if (isCell) {
      if (group) yield group;
      group = { start: segment, cell: clean(element(segment, 2, 1)), details: {}, containers: [] };
      inDetail = true;
      continue;
    }
    if (!inDetail && segment.tag !== 'EQD') continue;
    if (!group) {
      group = { start: segment, cell: undefined, details: {}, containers: [] };
      inDetail = true;
    }
    applyToGroup(group, segment);
  }
  if (group) yield group;
}

function applyToGroup(group: CellGroup, segment: Segment): void {
  switch (segment.tag) {
    case 'EQD':
      group.containers.push(segment);
      return;
    case 'LOC': {
      const place = readLoc(segment);
      if (!place.code) return;
      if (place.qualifier === '9' || place.qualifier === '6') group.portOfLoading ??= place.code;
      if (place.qualifier === '11' || place.qualifier === '12') group.portOfDischarge ??= place.code;
      if (place.qualifier === '83') group.details.finalDestination ??= place.code;
      return;
    }
    case 'MEA': {
      const m = readMea(segment);
      const kg = massKg(m);
      if (kg === undefined) return;
      if (m.purpose === 'VGM' || m.dimension === 'VGM') group.verifiedGrossMassKg ??= kg;
      else if (m.purpose === 'WT' || m.dimension === 'G' || m.dimension === 'AAE')
        group.details.grossMassKg ??= kg;
      return;
    }
    case 'TMP': {
      const value = parseDecimal(element(segment, 2, 1));
      if (value !== undefined)
        group.details.temperature = { value, unit: code(element(segment, 2, 2)) ?? 'CEL' };
      return;
    }
    case 'NAD': {
      const { qualifier, party } = readNad(segment);
      if (qualifier === 'CA' && party) group.details.carrier = party.identifiers['172'] ?? party.name;
      return;
    }
    case 'RFF': {
      const ref = readRff(segment);
      // SMDG bay plans carry a mandatory dummy "RFF+BM:1"; only a real reference is worth keeping.
      if (ref.qualifier === 'BM' && ref.value && ref.value !== '1') group.details.billOfLading ??= ref.value;
      return;
    }
    case 'FTX': {
      const subject = text(segment, 1).toUpperCase();
      const value = clean((segment.elements[3] ?? []).join(' '));
      if (value) addTo(group.details, 'remarks', `${subject}: ${value}`);
      return;
    }
    case 'DGS': {
      const hazardClass = clean(element(segment, 2, 1));
      const unNumber = clean(element(segment, 3, 1));
      if (hazardClass || unNumber) addTo(group.details, 'dangerousGoods', { hazardClass, unNumber });
      return;
    }
  }
}

function addTo(details: Record<string, unknown>, key: string, value: unknown): void {
  const list = details[key];
  if (Array.isArray(list)) list.push(value);
  else details[key] = [value];
}
