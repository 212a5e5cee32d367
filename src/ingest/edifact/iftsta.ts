/**
 * IFTSTA (international multimodal status report) -> one container event per container named
 * in each status (STS) group.
 *
 * Layout read (UN/EDIFACT D.00B IFTSTA; carrier implementation guides): header BGM/DTM/NAD/RFF
 * (RFF+EQ may name the equipment for the whole message); CNI consignment groups, each with one
 * or more STS groups: STS (C601 status category, C555 status code : list : agency :
 * description), RFF (BM, BN, EQ), DTM (334 status change, 7 actual), LOC (175/165 place of the
 * event, 9 loading, 11 discharge), TDT (mode 1 sea: vessel in C222; else carrier name in C040
 * or C222.4), EQD containers. Segments of one STS group run up to the next STS or CNI.
 *
 * The event type stays 'status' with the STS code as sent, except for the few codes that can
 * only mean one physical move (X12 315 codes as used in IFTSTA by ocean carriers: AE loaded on
 * vessel, UV unloaded from vessel, OA out-gate); anything else would be a guess.
 */
import { type EdifactMessage, element, type Segment, text } from '../../lib/edifact/index.ts';
import { rejectionFromZod } from '../parse-support.ts';
import { type ContainerEventKind, containerEventRecord, type IngestItem } from '../records.ts';
import {
  clean,
  code,
  type DateTimeValue,
  type Place,
  readDtm,
  readEqd,
  readLoc,
  readRff,
  readTdt,
  rejectAt,
  sourceRef,
  type Transport,
  warnAt,
} from './common.ts';

const UNAMBIGUOUS_STATUS: Record<string, ContainerEventKind> = {
  AE: 'loaded',
  UV: 'discharged',
  OA: 'gate_out',
};

const MODES: Record<string, string> = {
  '1': 'sea',
  '2': 'rail',
  '3': 'road',
  '4': 'air',
  '8': 'inland water',
};

interface StatusGroup {
  sts: Segment;
  cni: Segment | undefined;
  segments: Segment[];
}

function statusGroups(segments: readonly Segment[]): { header: Segment[]; groups: StatusGroup[] } {
  const header: Segment[] = [];
  const groups: StatusGroup[] = [];
  let cni: Segment | undefined;
  let current: StatusGroup | undefined;
  for (const segment of segments) {
    if (segment.tag === 'CNI') {
      cni = segment;
      current = undefined;
    } else if (segment.tag === 'STS') {
      current = { sts: segment, cni, segments: [] };
      groups.push(current);
    } else if (current) current.segments.push(segment);
    else if (cni === undefined) header.push(segment);
  }
  return { header, groups };
}

interface StatusReading {
  containers: { id: string; segment: Segment; sizeType?: string; fullEmpty?: 'full' | 'empty' }[];
  emptyEqd: Segment[];
  references: Map<string, string>;
  dates: Map<string, DateTimeValue>;
  /** DTMs before the first LOC or TDT belong to the status itself, later ones to a place. */
  statusDates: DateTimeValue[];
  places: Map<string, Place>;
  transport:
    | {
        reading: Transport;
        mode: string;
        carrierName: string | undefined;
        conveyanceName: string | undefined;
      }
    | undefined;
}

function readStatusGroup(segments: readonly Segment[]): StatusReading {
  const r: StatusReading = {
    containers: [],
    emptyEqd: [],
    references: new Map(),
    dates: new Map(),
    statusDates: [],
    places: new Map(),
    transport: undefined,
  };
  let inPlaceOrTransport = false;
  for (const segment of segments) {
    if (segment.tag === 'EQD') {
      const eqd = readEqd(segment);
      if (eqd.id === undefined) r.emptyEqd.push(segment);
      else if (!r.containers.some((c) => c.id === eqd.id)) {
        r.containers.push({
          id: eqd.id,
          segment,
          ...(eqd.sizeType ? { sizeType: eqd.sizeType } : {}),
          ...(eqd.fullEmpty ? { fullEmpty: eqd.fullEmpty } : {}),
        });
      }
    } else if (segment.tag === 'RFF') {
      const ref = readRff(segment);
      if (ref.value !== undefined && !r.references.has(ref.qualifier))
        r.references.set(ref.qualifier, ref.value);
    } else if (segment.tag === 'DTM') {
      const date = readDtm(segment);
      if (!r.dates.has(date.qualifier)) r.dates.set(date.qualifier, date);
      if (!inPlaceOrTransport) r.statusDates.push(date);
    } else if (segment.tag === 'LOC') {
      inPlaceOrTransport = true;
      const place = readLoc(segment);
      if (!r.places.has(place.qualifier)) r.places.set(place.qualifier, place);
    } else if (segment.tag === 'TDT') {
      inPlaceOrTransport = true;
      r.transport ??= {
        reading: readTdt(segment),
        mode: text(segment, 3, 1),
        carrierName: clean(element(segment, 5, 4)),
        conveyanceName: clean(element(segment, 8, 4)),
      };
    }
  }
  return r;
}

function occurredAt(reading: StatusReading): string | undefined {
  const preferred = reading.dates.get('334') ?? reading.dates.get('7');
  if (preferred?.iso) return preferred.iso;
  return reading.statusDates.find((d) => d.iso !== undefined)?.iso;
}

/** Maps an IFTSTA status report to container events. Never throws. */
export function mapIftsta(message: EdifactMessage): IngestItem[] {
  const { header, groups } = statusGroups(message.segments);
  const headerRefs = new Map<string, string>();
  for (const segment of header) {
    if (segment.tag !== 'RFF') continue;
    const ref = readRff(segment);
    if (ref.value !== undefined && !headerRefs.has(ref.qualifier)) headerRefs.set(ref.qualifier, ref.value);
  }
  const items: IngestItem[] = [];
  if (groups.length === 0) {
    items.push(
      warnAt(
        message,
        undefined,
        'no_status',
        `IFTSTA ${message.header.reference} has no STS segment: no container event`,
      ),
    );
  }
  for (const group of groups) {
    const reading = readStatusGroup(group.segments);
    for (const eqd of reading.emptyEqd) {
      items.push(
        rejectAt(message, eqd, {
          code: 'missing_field',
          field: 'containerNumber',
          reason: 'the EQD segment has no container number (C237, element 2)',
        }),
      );
    }
    const containers =
      reading.containers.length > 0
        ? reading.containers
        : [reading.references.get('EQ') ?? headerRefs.get('EQ')]
            .filter((id): id is string => id !== undefined)
            .map((id) => ({ id: id.replace(/\s+/g, '').toUpperCase(), segment: group.sts }));
    if (containers.length === 0 && reading.emptyEqd.length === 0) {
      items.push(
        rejectAt(message, group.sts, {
          code: 'missing_field',
          field: 'containerNumber',
          reason: 'the status names no container: no EQD in its group and no RFF+EQ',
        }),
      );
      continue;
    }
    const statusCode = code(element(group.sts, 2, 1));
    const eventType = (statusCode && UNAMBIGUOUS_STATUS[statusCode]) || 'status';
    const transport = reading.transport;
    const sea = transport?.mode === '1' ? transport.reading : undefined;
    const activity = reading.places.get('175') ?? reading.places.get('165');
    for (const container of containers) {
      const input = {
        containerNumber: container.id,
        sizeType: 'sizeType' in container ? container.sizeType : undefined,
        eventType,
        statusCode,
        occurredAt: occurredAt(reading),
        placeLocode: activity?.code,
        placeDetail: activity?.name,
        fullEmpty: 'fullEmpty' in container ? container.fullEmpty : undefined,
        haulier: transport?.mode === '3' ? (transport.carrierName ?? transport.conveyanceName) : undefined,
        vesselImo: sea?.vesselImo,
        vesselName: sea?.vesselName,
        voyage: sea?.voyage,
        portOfLoading: reading.places.get('9')?.code,
        portOfDischarge: reading.places.get('11')?.code,
        details: compact({
          statusCategory: clean(element(group.sts, 1, 1)),
          statusDescription: clean(element(group.sts, 2, 4)),
          statusReason: clean(element(group.sts, 3, 4)) ?? code(element(group.sts, 3, 1)),
          placeName: activity?.name,
          transportMode: transport ? (MODES[transport.mode] ?? transport.mode) : undefined,
          carrier: transport?.carrierName ?? transport?.reading.carrierCode,
          conveyance: sea ? undefined : transport?.conveyanceName,
          billOfLading: reading.references.get('BM') ?? headerRefs.get('BM'),
          bookingNumber: reading.references.get('BN') ?? headerRefs.get('BN'),
          consignment: group.cni ? clean(element(group.cni, 1, 1)) : undefined,
        }),
      };
      const ref = sourceRef(message, container.segment);
      const parsed = containerEventRecord.safeParse(input);
      items.push(
        parsed.success
          ? { kind: 'container_event', ref, record: parsed.data }
          : { kind: 'rejection', rejection: rejectionFromZod(parsed.error, input, ref) },
      );
    }
  }
  return items;
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}
