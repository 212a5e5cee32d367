/**
 * Natural keys and content hashes that make ingest idempotent: a record with a known key and the
 * same hash is "unchanged"; with a known key and another hash it is a correction ("updated").
 * Pure functions, so the same record always gets the same key in every format.
 */
import { createHash } from 'node:crypto';
import { normalizePartyName } from '../domain/index.ts';
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
  return createHash('sha256').update(canonicalText(value)).digest('hex');
}

const quotedKeys = new Map<string, string>();

/** `JSON.stringify` of an object key, remembered: records repeat the same few keys. */
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * Exactly `canonicalJson` (src/lib/canonical-json.ts; a test holds them equal), written for the
 * hot path of ingest: one string built in place, no intermediate entry arrays.
 */
export function canonicalText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalText(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quotedKey(key)}:${canonicalText(v)}`;
    first = false;
  }
  return `${out}}`;
}
