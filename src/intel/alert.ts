/**
 * Intelligence alerts: a suspicious container, movement, party or vessel with its identifiers,
 * grading (NATO/Admiralty system: source reliability A-F, information credibility 1-6) and a
 * TLP 2.0 marking (FIRST, https://www.first.org/tlp/). Pure: schemas and identifier normalisation.
 */

import { z } from 'zod';
import type { IdentifierKind } from '../db/tables/federation.ts';
import { isToOrder, normalizePartyName, normalizeSeal } from '../domain/index.ts';
import { patchOf, periodEnd } from '../lib/zod-input.ts';

export const tlpSchema = z.enum(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']);
export type Tlp = z.infer<typeof tlpSchema>;

const value = z.string().trim().min(1).max(200);

export const partyIdentitySchema = z.object({
  name: value.optional(),
  /** Registration numbers by scheme, e.g. { eori: 'BE0123456789' }. */
  identifiers: z.record(z.string().max(40), value).default({}),
});

export const alertIdentifiersSchema = z.object({
  containerNumbers: z.array(value).max(500).default([]),
  transportDocumentNumbers: z.array(value).max(500).default([]),
  sealNumbers: z.array(value).max(500).default([]),
  imoNumbers: z.array(value).max(100).default([]),
  parties: z.array(partyIdentitySchema).max(100).default([]),
});
export type AlertIdentifiers = z.infer<typeof alertIdentifiersSchema>;

export const alertContentSchema = z.object({
  subject: z.enum(['container', 'movement', 'party', 'vessel']),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).default(''),
  recommendedAction: z.enum(['scan_on_arrival', 'monitor', 'hold']),
  validFrom: z.coerce.date().optional(),
  /** A day means through the end of that day. */
  validUntil: periodEnd.nullable().optional(),
  sourceReliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']),
  infoCredibility: z.number().int().min(1).max(6),
  tlp: tlpSchema,
  /** Partner agency codes allowed to receive a TLP:RED alert. */
  recipients: z
    .array(z.string().regex(/^[A-Z0-9-]{2,16}$/))
    .max(50)
    .default([]),
  identifiers: alertIdentifiersSchema.default({
    containerNumbers: [],
    transportDocumentNumbers: [],
    sealNumbers: [],
    imoNumbers: [],
    parties: [],
  }),
});
export type AlertContent = z.infer<typeof alertContentSchema>;
export type AlertContentInput = z.input<typeof alertContentSchema>;

export const alertPatchSchema = patchOf(alertContentSchema);
export type AlertPatch = z.infer<typeof alertPatchSchema>;

/** An alert as presented by the API and carried between instances. */
export interface Alert extends Omit<AlertContent, 'validFrom' | 'validUntil'> {
  id: number;
  uid: string;
  originAgency: string;
  local: boolean;
  version: number;
  status: 'active' | 'withdrawn';
  validFrom: string;
  validUntil: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Values people type when the real one is unknown; they would match everything. */
const PLACEHOLDERS = new Set([
  'UNKNOWN',
  'N/A',
  'NA',
  'NONE',
  'NIL',
  'TBA',
  'TBC',
  'TBD',
  'XXX',
  'SEE ATTACHED',
  'VARIOUS',
  'SAME AS CONSIGNEE',
  'NOT AVAILABLE',
  'NO SEAL',
  'NOSEAL',
  '-',
  '0',
]);

/** True for a value that carries no information: empty, a placeholder, or one repeated character. */
export function isUninformative(raw: string): boolean {
  const v = raw.trim().toUpperCase();
  if (v.length === 0 || PLACEHOLDERS.has(v)) return true;
  const compact = v.replace(/[^A-Z0-9]/g, '');
  if (compact.length === 0) return true;
  return /^(.)\1*$/.test(compact);
}

/** Upper-case with spaces and hyphens removed: how container, document and IMO numbers are compared. */
export function compactIdentifier(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export interface IdentifierRow {
  kind: IdentifierKind;
  value: string;
}

/**
 * The normalised, informative identifier values of an alert, one row per (kind, value). Party
 * names are normalised like local parties (legal forms, punctuation, accents); "TO ORDER" and
 * placeholders are dropped so they never correlate.
 */
export function identifierRows(ids: AlertIdentifiers): IdentifierRow[] {
  const rows = new Map<string, IdentifierRow>();
  const add = (kind: IdentifierKind, raw: string | undefined): void => {
    if (raw === undefined || isUninformative(raw)) return;
    rows.set(`${kind}\u0000${raw}`, { kind, value: raw });
  };
  for (const c of ids.containerNumbers) add('container', compactIdentifier(c));
  for (const d of ids.transportDocumentNumbers) add('transport_document', compactIdentifier(d));
  for (const s of ids.sealNumbers) {
    const seal = normalizeSeal(s);
    if (seal.ok) add('seal', seal.value);
  }
  for (const i of ids.imoNumbers) add('imo', compactIdentifier(i).replace(/^IMO/, ''));
  for (const p of ids.parties) {
    if (p.name !== undefined && !isToOrder(p.name)) add('party_name', normalizePartyName(p.name));
    for (const id of Object.values(p.identifiers)) add('party_identifier', compactIdentifier(id));
  }
  return [...rows.values()];
}
