/**
 * Natural keys and content hashes that make ingest idempotent: a record with a known key and the
 * same hash is "unchanged"; with a known key and another hash it is a correction ("updated").
 * Pure functions, so the same record always gets the same key in every format.
 */
import { hash } from 'node:crypto';
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
  return hash('sha256', canonicalText(value), 'hex');
}

/** The key orders of objects seen lately: records repeat a few shapes, so their sort is done once. */
interface KeyOrder {
  keys: string[];
  /** Indexes into `keys`, sorted by key. */
  sorted: number[];
  /** Each key as JSON, in `keys` order. */
  quoted: string[];
}
const keyOrders: KeyOrder[] = [];
const MAX_KEY_ORDERS = 32;

function keyOrder(keys: string[]): KeyOrder {
  next: for (const order of keyOrders) {
    if (order.keys.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (order.keys[i] !== keys[i]) continue next;
    return order;
  }
  const order: KeyOrder = {
    keys,
    sorted: keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0)),
    quoted: keys.map((k) => JSON.stringify(k)),
  };
  if (keyOrders.length >= MAX_KEY_ORDERS) keyOrders.pop();
  keyOrders.unshift(order);
  return order;
}

/**
 * Exactly `canonicalJson` (src/lib/canonical-json.ts; a test holds them equal), written for the
 * hot path of ingest: one string built in place, no intermediate entry arrays, and the sorted
 * key order of each object shape remembered.
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
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  const { sorted, quoted } = keyOrder(keys);
  let out = '{';
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i]!;
    const v = object[keys[k]!];
    if (v === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${quoted[k]}:${canonicalText(v)}`;
  }
  return `${out}}`;
}
