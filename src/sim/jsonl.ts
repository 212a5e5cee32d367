/**
 * JSON Lines in the canonical record format of src/ingest/records.ts: each line is
 * `{"type":"port_call"|"consignment"|"container_event", ...record}`. The same traffic as the
 * EDIFACT files, so either can be ingested.
 */
import type { ConsignmentRecord, ContainerEventRecord, PortCallRecord } from '../ingest/records.ts';
import {
  type CallTraffic,
  type DayTraffic,
  type ManifestConsignment,
  type Move,
  manifestDeclaredAt,
  type VesselCall,
} from './traffic.ts';

/** ISO 8601 UTC without milliseconds (times are whole minutes). */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}

export function portCallRecord(c: VesselCall): PortCallRecord {
  return {
    vesselImo: c.vesselImo,
    vesselName: c.vesselName,
    voyage: c.voyage,
    carrierCode: c.carrier,
    portLocode: c.port,
    eta: isoMinute(c.ata),
    etd: isoMinute(c.etd),
    previousPorts: c.previousPorts,
  };
}

/**
 * A consignment as the JSON feed carries it, declared at `declaredAt`: the time of its call's
 * manifest (`manifestDeclaredAt`), as in the CUSCAR, so that both formats hold the same records
 * and ingesting one after the other corrects nothing.
 */
export function consignmentRecord(
  k: ManifestConsignment,
  call: VesselCall,
  declaredAt: number,
): ConsignmentRecord {
  const record: ConsignmentRecord = {
    transportDocumentNumber: k.transportDocumentNumber,
    portCall: portCallRecord(call),
    portLocode: call.port,
    shipper: k.shipper,
    consigneeToOrder: k.consignee === undefined,
    originCountry: k.originCountry,
    placeOfReceipt: k.placeOfReceipt,
    placeOfLoading: k.placeOfLoading,
    placeOfDischarge: k.placeOfDischarge,
    transshipmentPorts: k.transshipmentPorts,
    totalPackages: k.packages,
    grossMassKg: k.grossMassKg,
    declaredAt: isoMinute(declaredAt),
    goods: [
      {
        lineNumber: 1,
        hsCode: k.hsCode,
        description: k.description,
        packages: k.packages,
        packageType: k.packageType,
        grossMassKg: k.grossMassKg,
        containerNumbers: k.containers.map((b) => b.containerNumber),
      },
    ],
    containers: k.containers.map((b) => ({
      containerNumber: b.containerNumber,
      sizeType: b.sizeType,
      seals: [b.seal],
      fullEmpty: 'full' as const,
      grossMassKg: b.grossMassKg,
    })),
  };
  if (k.consignee) record.consignee = k.consignee;
  if (k.notifyParty) record.notifyParty = k.notifyParty;
  if (k.forwarder) record.forwarder = k.forwarder;
  return record;
}

export function containerEventRecord(e: Move): ContainerEventRecord {
  const r: ContainerEventRecord = {
    containerNumber: e.containerNumber,
    sizeType: e.sizeType,
    eventType: e.kind,
    occurredAt: isoMinute(e.at),
    placeLocode: e.port,
    placeDetail: e.cell ?? e.terminal,
    seals: e.seals,
    fullEmpty: e.full ? 'full' : 'empty',
    details: e.truckPlate ? { truckPlate: e.truckPlate } : {},
  };
  if (e.haulier) r.haulier = e.haulier;
  if (e.call) {
    r.vesselImo = e.call.vesselImo;
    r.vesselName = e.call.vesselName;
    r.voyage = e.call.voyage;
  }
  if (e.verifiedGrossMassKg !== undefined) r.verifiedGrossMassKg = e.verifiedGrossMassKg;
  if (e.portOfLoading) r.portOfLoading = e.portOfLoading;
  if (e.portOfDischarge) r.portOfDischarge = e.portOfDischarge;
  return r;
}

const line = (type: string, record: object) => `${JSON.stringify({ type, ...record })}\n`;

function callLines(t: CallTraffic): { calls: string; consignments: string; events: string } {
  const declaredAt = manifestDeclaredAt(t);
  return {
    calls: line('port_call', portCallRecord(t.call)),
    consignments: t.consignments
      .map((k) => line('consignment', consignmentRecord(k, t.call, declaredAt)))
      .join(''),
    events: [...t.discharges, ...t.loads]
      .map((e) => line('container_event', containerEventRecord(e)))
      .join(''),
  };
}

/** The JSON Lines of one port-day, by file name (port-calls, consignments, events). */
export function jsonFiles(day: DayTraffic): { name: string; text: string }[] {
  let calls = '';
  let consignments = '';
  let events = '';
  for (const t of day.calls) {
    const l = callLines(t);
    calls += l.calls;
    consignments += l.consignments;
    events += l.events;
  }
  for (const e of [...day.gateIns, ...day.gateOuts])
    events += line('container_event', containerEventRecord(e));
  return [
    { name: 'port-calls.jsonl', text: calls },
    { name: 'consignments.jsonl', text: consignments },
    { name: 'events.jsonl', text: events },
  ];
}
