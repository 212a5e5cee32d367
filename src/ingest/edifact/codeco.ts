/**
 * CODECO (container gate-in/gate-out report) and COARRI (container discharge/loading report)
 * -> one container event per EQD group.
 *
 * Layout read (SMDG CODECO 2.x and COARRI 1.2/2.x user manuals, UN/EDIFACT D.95B-D.23A; ITG
 * variants): header BGM (document name code), TDT+20 main carriage (voyage, carrier, vessel in
 * C222: IMO with code list 146, call sign with 103) with RFF+VM/VON and LOC (9 port of loading,
 * 11 port of discharge, 165/175 place of activity), NAD+CF container operator; then per EQD
 * (id, size-type, status 8249, full/empty 8169: 4 empty, 5 full) the group's RFF (BN booking,
 * RE release, BM bill of lading), DTM (7 actual, 203 execution), LOC (9, 11, 147 stowage cell,
 * 165/175 activity), MEA+AAE (VGM verified gross mass, G gross), SEL seals, FTX+AAA goods and
 * TDT (mode 3 road: haulier name in C040, truck plate in C222).
 *
 * The direction of the event (gate in or out, discharged or loaded) is taken from the first
 * of: the BGM document code, the message's port (COARRI: header LOC 11 or 9), the transport
 * stage of the group's inland TDT (CODECO: 10 pre-carriage brings the box in, 30 on-carriage
 * takes it out), the EQD status (2 export, 3 import). Which one decided is kept in
 * `details.directionBasis`. With none, the event is kept as a 'status' event with a warning.
 */
import { type EdifactMessage, element, type Segment, text } from '../../lib/edifact/index.ts';
import { rejectionFromZod } from '../parse-support.ts';
import { type ContainerEventKind, containerEventRecord, type IngestItem } from '../records.ts';
import {
  clean,
  type DateTimeValue,
  type Equipment,
  massKg,
  type Place,
  readDtm,
  readEqd,
  readLoc,
  readMea,
  readNad,
  readRff,
  readSel,
  readTdt,
  rejectAt,
  sourceRef,
  type Transport,
  warnAt,
} from './common.ts';

/** The segments of one EQD group: the EQD and what follows it up to the next EQD or CNT. */
export interface EquipmentGroup {
  eqd: Segment;
  segments: Segment[];
}

/** Splits a message into its header (before the first EQD) and its EQD groups. */
export function equipmentGroups(segments: readonly Segment[]): {
  header: Segment[];
  groups: EquipmentGroup[];
} {
  const header: Segment[] = [];
  const groups: EquipmentGroup[] = [];
  let current: EquipmentGroup | undefined;
  for (const segment of segments) {
    if (segment.tag === 'EQD') {
      current = { eqd: segment, segments: [] };
      groups.push(current);
    } else if (segment.tag === 'CNT' || segment.tag === 'UNT') {
      current = undefined;
    } else if (current) current.segments.push(segment);
    else if (groups.length === 0) header.push(segment);
  }
  return { header, groups };
}

interface InlandTransport {
  stage: string;
  mode: string;
  carrierName: string | undefined;
  carrierCode: string | undefined;
  plate: string | undefined;
}

/** What a list of segments says, first occurrence of each qualifier winning. */
interface Reading {
  documentCode: string | undefined;
  vessel: Transport | undefined;
  inland: InlandTransport | undefined;
  places: Map<string, Place>;
  dates: Map<string, DateTimeValue>;
  references: Map<string, string>;
  massesKg: Map<string, number>;
  seals: string[];
  parties: Map<string, string>;
  remarks: string[];
}

function readSegments(segments: readonly Segment[]): Reading {
  const r: Reading = {
    documentCode: undefined,
    vessel: undefined,
    inland: undefined,
    places: new Map(),
    dates: new Map(),
    references: new Map(),
    massesKg: new Map(),
    seals: [],
    parties: new Map(),
    remarks: [],
  };
  const setFirst = <V>(map: Map<string, V>, key: string, value: V | undefined): void => {
    if (value !== undefined && !map.has(key)) map.set(key, value);
  };
  for (const segment of segments) {
    switch (segment.tag) {
      case 'BGM':
        r.documentCode ??= clean(element(segment, 1, 1));
        break;
      case 'TDT': {
        const mode = text(segment, 3, 1);
        if (mode === '1' || (mode === '' && text(segment, 1) === '20')) r.vessel ??= readTdt(segment);
        else
          r.inland ??= {
            stage: text(segment, 1),
            mode,
            carrierName: clean(element(segment, 5, 4)),
            carrierCode: clean(element(segment, 5, 1)),
            plate: clean(element(segment, 8, 1)),
          };
        break;
      }
      case 'LOC': {
        const place = readLoc(segment);
        setFirst(r.places, place.qualifier, place);
        break;
      }
      case 'DTM': {
        const date = readDtm(segment);
        setFirst(r.dates, date.qualifier, date);
        break;
      }
      case 'RFF': {
        const ref = readRff(segment);
        setFirst(r.references, ref.qualifier, ref.value);
        break;
      }
      case 'MEA': {
        const measure = readMea(segment);
        if (measure.purpose === 'AAE' || measure.purpose === 'WT')
          setFirst(r.massesKg, measure.dimension, massKg(measure));
        break;
      }
      case 'SEL': {
        const seal = readSel(segment);
        if (seal !== undefined && !r.seals.includes(seal)) r.seals.push(seal);
        break;
      }
      case 'NAD': {
        const party = readNad(segment);
        setFirst(r.parties, party.qualifier, party.party?.name);
        break;
      }
      case 'FTX': {
        const remark = clean((segment.elements[3] ?? []).join(' '));
        if (text(segment, 1) === 'AAA' && remark !== undefined) r.remarks.push(remark);
        break;
      }
    }
  }
  return r;
}

type Direction = { eventType: ContainerEventKind; basis: string } | undefined;

const CODECO_DOCUMENTS: Record<string, ContainerEventKind> = { '34': 'gate_out', '36': 'gate_in' };
// 44/46 as sent by Italian terminals (ITG), 98/122 in the SMDG manuals.
const COARRI_DOCUMENTS: Record<string, ContainerEventKind> = {
  '44': 'discharged',
  '98': 'discharged',
  '46': 'loaded',
  '122': 'loaded',
};

function codecoDirection(header: Reading, group: Reading, equipment: Equipment): Direction {
  const byDocument = CODECO_DOCUMENTS[header.documentCode ?? ''];
  if (byDocument) return { eventType: byDocument, basis: `BGM document code ${header.documentCode}` };
  const stage = group.inland?.stage;
  if (stage === '10') return { eventType: 'gate_in', basis: 'TDT stage 10 (pre-carriage)' };
  if (stage === '30') return { eventType: 'gate_out', basis: 'TDT stage 30 (on-carriage)' };
  if (equipment.status === '2') return { eventType: 'gate_in', basis: 'EQD status 2 (export)' };
  if (equipment.status === '3') return { eventType: 'gate_out', basis: 'EQD status 3 (import)' };
  return undefined;
}

function coarriDirection(header: Reading, equipment: Equipment): Direction {
  const byDocument = COARRI_DOCUMENTS[header.documentCode ?? ''];
  if (byDocument) return { eventType: byDocument, basis: `BGM document code ${header.documentCode}` };
  const discharge = header.places.has('11');
  const loading = header.places.has('9');
  if (discharge && !loading)
    return { eventType: 'discharged', basis: 'message port is LOC 11 (place of discharge)' };
  if (loading && !discharge)
    return { eventType: 'loaded', basis: 'message port is LOC 9 (place of loading)' };
  if (equipment.status === '3') return { eventType: 'discharged', basis: 'EQD status 3 (import)' };
  if (equipment.status === '2') return { eventType: 'loaded', basis: 'EQD status 2 (export)' };
  return undefined;
}

const first = <V>(map: Map<string, V>, ...keys: string[]): V | undefined => {
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
};

/** Drops undefined entries so the record's details stay readable. */
function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

function vesselFields(header: Reading): Record<string, unknown> {
  const vessel = header.vessel;
  const vm = header.references.get('VM');
  const vmIsImo = vm !== undefined && /^\d{7}$/.test(vm);
  return {
    vesselImo: vessel?.vesselImo ?? (vmIsImo ? vm : undefined),
    vesselName: vessel?.vesselName,
    voyage: vessel?.voyage ?? header.references.get('VON'),
  };
}

function commonDetails(
  header: Reading,
  group: Reading,
  equipment: Equipment,
  direction: Direction,
): Record<string, unknown> {
  const vm = header.references.get('VM');
  const otherMasses = Object.fromEntries([...group.massesKg].filter(([dimension]) => dimension !== 'VGM'));
  const otherDates = Object.fromEntries(
    [...group.dates].filter(([q]) => q !== '7' && q !== '203').map(([q, d]) => [q, d.iso ?? d.raw]),
  );
  return compact({
    documentCode: header.documentCode,
    directionBasis: direction?.basis,
    equipmentStatus: equipment.status,
    bookingNumber: group.references.get('BN') ?? header.references.get('BN'),
    releaseNumber: group.references.get('RE') ?? header.references.get('RE'),
    billOfLading: group.references.get('BM') ?? header.references.get('BM'),
    callSign: header.vessel?.callSign ?? (vm !== undefined && !/^\d{7}$/.test(vm) ? vm : undefined),
    carrierCode: header.vessel?.carrierCode,
    containerOperator: group.parties.get('CF') ?? header.parties.get('CF'),
    massesKg: Object.keys(otherMasses).length > 0 ? otherMasses : undefined,
    dates: Object.keys(otherDates).length > 0 ? otherDates : undefined,
    goods: group.remarks,
  });
}

function toItem(message: EdifactMessage, eqd: Segment, input: Record<string, unknown>): IngestItem {
  const ref = sourceRef(message, eqd);
  const parsed = containerEventRecord.safeParse(input);
  if (parsed.success) return { kind: 'container_event', ref, record: parsed.data };
  return { kind: 'rejection', rejection: { ...rejectionFromZod(parsed.error, input, ref) } };
}

/**
 * Reads the EQD groups of a container message with `build` making each event; shared by
 * CODECO and COARRI. Non-container equipment (chassis, trailers) is skipped with a warning.
 */
function mapEquipmentMessage(
  message: EdifactMessage,
  build: (
    header: Reading,
    group: Reading,
    equipment: Equipment,
  ) => { input: Record<string, unknown>; warning?: string },
): IngestItem[] {
  const { header, groups } = equipmentGroups(message.segments);
  const headerReading = readSegments(header);
  const items: IngestItem[] = [];
  if (groups.length === 0) {
    items.push(
      warnAt(
        message,
        undefined,
        'no_equipment',
        `${message.header.type} ${message.header.reference} has no EQD segment: no container event`,
      ),
    );
  }
  for (const group of groups) {
    const equipment = readEqd(group.eqd);
    if (equipment.qualifier !== 'CN' && equipment.qualifier !== '') {
      items.push(
        warnAt(
          message,
          group.eqd,
          'equipment_skipped',
          `EQD qualifier ${equipment.qualifier} is not a container (CN); skipped`,
        ),
      );
      continue;
    }
    if (equipment.id === undefined) {
      items.push(
        rejectAt(message, group.eqd, {
          code: 'missing_field',
          field: 'containerNumber',
          reason: 'the EQD segment has no container number (C237, element 2)',
        }),
      );
      continue;
    }
    const built = build(headerReading, readSegments(group.segments), equipment);
    if (built.warning) items.push(warnAt(message, group.eqd, 'event_direction_unknown', built.warning));
    items.push(toItem(message, group.eqd, built.input));
  }
  return items;
}

/** Maps a CODECO gate report to gate_in / gate_out events. Never throws. */
export function mapCodeco(message: EdifactMessage): IngestItem[] {
  return mapEquipmentMessage(message, (header, group, equipment) => {
    const direction = codecoDirection(header, group, equipment);
    const activity = first(group.places, '165', '175') ?? first(header.places, '165', '175');
    const road = group.inland?.mode === '3' ? group.inland : undefined;
    const input = {
      containerNumber: equipment.id,
      sizeType: equipment.sizeType,
      eventType: direction?.eventType ?? 'status',
      statusCode: direction ? undefined : `CODECO ${header.documentCode ?? ''}`.trim(),
      occurredAt: first(group.dates, '7', '203')?.iso,
      placeLocode: activity?.code,
      placeDetail: activity?.related,
      seals: group.seals,
      fullEmpty: equipment.fullEmpty,
      haulier: road?.carrierName ?? road?.carrierCode,
      ...vesselFields(header),
      verifiedGrossMassKg: first(group.massesKg, 'VGM', 'G'),
      portOfLoading: first(group.places, '9')?.code ?? first(header.places, '9')?.code,
      portOfDischarge: first(group.places, '11')?.code ?? first(header.places, '11')?.code,
      details: compact({
        ...commonDetails(header, group, equipment, direction),
        massQualifier: group.massesKg.has('VGM') ? undefined : group.massesKg.has('G') ? 'G' : undefined,
        placeOfDelivery: first(group.places, '7', '8')?.code,
        transportMode: group.inland?.mode,
        truckPlate: road?.plate,
      }),
    };
    return direction
      ? { input }
      : {
          input,
          warning: `cannot tell gate-in from gate-out (BGM ${header.documentCode ?? 'absent'}, no inland TDT stage, no EQD export/import status); kept as a status event`,
        };
  });
}

/** Maps a COARRI discharge/loading report to discharged / loaded events. Never throws. */
export function mapCoarri(message: EdifactMessage): IngestItem[] {
  return mapEquipmentMessage(message, (header, group, equipment) => {
    const direction = coarriDirection(header, equipment);
    const portOfLoading = first(group.places, '9')?.code ?? first(header.places, '9')?.code;
    const portOfDischarge = first(group.places, '11')?.code ?? first(header.places, '11')?.code;
    const operationPort =
      direction?.eventType === 'loaded'
        ? (header.places.get('9') ?? group.places.get('9'))
        : direction?.eventType === 'discharged'
          ? (header.places.get('11') ?? group.places.get('11'))
          : undefined;
    const input = {
      containerNumber: equipment.id,
      sizeType: equipment.sizeType,
      eventType: direction?.eventType ?? 'status',
      statusCode: direction ? undefined : `COARRI ${header.documentCode ?? ''}`.trim(),
      occurredAt: first(group.dates, '203', '7')?.iso,
      placeLocode: operationPort?.code,
      placeDetail: group.places.get('147')?.code,
      seals: group.seals,
      fullEmpty: equipment.fullEmpty,
      ...vesselFields(header),
      verifiedGrossMassKg: first(group.massesKg, 'VGM', 'G'),
      portOfLoading,
      portOfDischarge,
      details: compact({
        ...commonDetails(header, group, equipment, direction),
        massQualifier: group.massesKg.has('VGM') ? undefined : group.massesKg.has('G') ? 'G' : undefined,
        terminal: operationPort?.related,
        placeOfDelivery: first(group.places, '7')?.code,
      }),
    };
    return direction
      ? { input }
      : {
          input,
          warning: `cannot tell discharge from loading (BGM ${header.documentCode ?? 'absent'}, message port and EQD status say nothing); kept as a status event`,
        };
  });
}
