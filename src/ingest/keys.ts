/**
 * Natural keys and content hashes that make ingest idempotent: a record with a known key and the
 * same hash is "unchanged"; with a known key and another hash it is a correction ("updated").
 * Pure functions, so the same record always gets the same key in every format.
 */
import { createHash } from 'node:crypto';
import { normalizePartyName } from '../domain/index.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import type { ConsignmentRecord, ContainerEventRecord, PartyRecord, PortCallRecord } from './records.ts';

export function portCallKey(p: PortCallRecord): string {
  const vessel = p.vesselImo ?? p.vesselName?.toUpperCase() ?? p.callSign ?? '?';
  const voyage = p.voyage ?? p.eta?.slice(0, 10) ?? p.ata?.slice(0, 10) ?? '';
  return `${p.portLocode}|${vessel}|${voyage}`;
}

export function consignmentKey(c: ConsignmentRecord): string {
  const call = c.portCall ? portCallKey(c.portCall) : (c.portLocode ?? c.placeOfDischarge ?? '');
  return `${c.transportDocumentNumber}|${call}`;
}

export function containerEventKey(e: ContainerEventRecord): string {
  return [
    e.containerNumber,
    e.eventType,
    e.occurredAt ?? '',
    e.placeLocode ?? '',
    e.statusCode ?? '',
    e.vesselImo ?? e.vesselName ?? '',
    e.voyage ?? '',
    e.eventType === 'on_board' ? (e.placeDetail ?? '') : '',
  ].join('|');
}

/** EORI when known; otherwise the normalised name with the country. */
export function partyKey(p: PartyRecord): string {
  if (p.eori) return `EORI:${p.eori}`;
  return `NAME:${normalizePartyName(p.name)}|${p.country ?? ''}`;
}

/** SHA-256 of a canonical JSON form (keys sorted), so field order never changes the hash. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
