/**
 * The canonical records every input format is mapped to, as zod schemas: the JSON format reads
 * them directly, the EDIFACT and CSV parsers build them, and one validator (validate.ts)
 * checks them against the code lists before the store sees them.
 *
 * Dates are ISO 8601 strings with a time zone (e.g. 2022-01-03T14:00:00Z). Masses in kg.
 */
import { z } from 'zod';

const text = z.string().trim().min(1);
const opt = text.optional();
const isoTime = z.iso.datetime({ offset: true });
const mass = z.number().nonnegative().finite();

export const portCallRecord = z.object({
  vesselImo: opt,
  vesselName: opt,
  callSign: opt,
  voyage: opt,
  carrierCode: opt,
  portLocode: text,
  eta: isoTime.optional(),
  ata: isoTime.optional(),
  etd: isoTime.optional(),
  previousPorts: z.array(text).default([]),
});
export type PortCallRecord = z.infer<typeof portCallRecord>;

export const partyRecord = z.object({
  name: text,
  street: opt,
  city: opt,
  postcode: opt,
  country: opt,
  eori: opt,
  identifiers: z.record(z.string(), z.string()).default({}),
});
export type PartyRecord = z.infer<typeof partyRecord>;

export const goodsItemRecord = z.object({
  lineNumber: z.number().int().positive(),
  hsCode: opt,
  description: opt,
  packages: z.number().int().nonnegative().optional(),
  packageType: opt,
  grossMassKg: mass.optional(),
  netMassKg: mass.optional(),
  originCountry: opt,
  containerNumbers: z.array(text).default([]),
});
export type GoodsItemRecord = z.infer<typeof goodsItemRecord>;

export const fullEmpty = z.enum(['full', 'empty']);

export const consignmentContainerRecord = z.object({
  containerNumber: text,
  sizeType: opt,
  seals: z.array(text).default([]),
  fullEmpty: fullEmpty.optional(),
  grossMassKg: mass.optional(),
});
export type ConsignmentContainerRecord = z.infer<typeof consignmentContainerRecord>;

export const consignmentRecord = z.object({
  transportDocumentNumber: text,
  /** The vessel call that brings the consignment; its key links the two. */
  portCall: portCallRecord.optional(),
  portLocode: opt,
  shipper: partyRecord.optional(),
  consignee: partyRecord.optional(),
  notifyParty: partyRecord.optional(),
  forwarder: partyRecord.optional(),
  /** "To order" bill of lading: the consignee is not named. */
  consigneeToOrder: z.boolean().default(false),
  originCountry: opt,
  placeOfReceipt: opt,
  placeOfLoading: opt,
  placeOfDischarge: opt,
  placeOfDelivery: opt,
  transshipmentPorts: z.array(text).default([]),
  totalPackages: z.number().int().nonnegative().optional(),
  grossMassKg: mass.optional(),
  declaredAt: isoTime.optional(),
  goods: z.array(goodsItemRecord).default([]),
  containers: z.array(consignmentContainerRecord).default([]),
});
export type ConsignmentRecord = z.infer<typeof consignmentRecord>;

export const containerEventType = z.enum([
  'loaded',
  'discharged',
  'gate_in',
  'gate_out',
  'yard_move',
  'transshipment',
  'status',
  'on_board',
]);
export type ContainerEventKind = z.infer<typeof containerEventType>;

export const containerEventRecord = z.object({
  containerNumber: text,
  sizeType: opt,
  eventType: containerEventType,
  occurredAt: isoTime.optional(),
  placeLocode: opt,
  /** Terminal, berth, yard position or stowage cell. */
  placeDetail: opt,
  seals: z.array(text).default([]),
  fullEmpty: fullEmpty.optional(),
  haulier: opt,
  vesselImo: opt,
  vesselName: opt,
  voyage: opt,
  verifiedGrossMassKg: mass.optional(),
  /** Status code as sent (e.g. IFTSTA STS event code, customs status). */
  statusCode: opt,
  portOfLoading: opt,
  portOfDischarge: opt,
  details: z.record(z.string(), z.unknown()).default({}),
});
export type ContainerEventRecord = z.infer<typeof containerEventRecord>;

/** Where in the input a record or problem comes from. */
export interface SourceRef {
  /** Human-readable position: "line 12", "segment 45 (EQD)", "record 3". */
  position: string;
  line?: number;
  segmentNumber?: number;
  /** Message reference (EDIFACT UNH reference), row key or similar. */
  recordRef?: string;
}

export interface Rejection extends SourceRef {
  /** Stable code, e.g. "invalid_check_digit", "missing_field", "edifact_syntax". */
  code: string;
  reason: string;
  field?: string;
  value?: string;
  /** A short excerpt of the raw input, for the analyst. */
  excerpt?: string;
}

export interface IngestWarning extends SourceRef {
  code: string;
  message: string;
}

export type IngestItem =
  | { kind: 'port_call'; ref: SourceRef; record: PortCallRecord }
  | { kind: 'consignment'; ref: SourceRef; record: ConsignmentRecord }
  | { kind: 'container_event'; ref: SourceRef; record: ContainerEventRecord }
  | { kind: 'rejection'; rejection: Rejection }
  | { kind: 'warning'; warning: IngestWarning };

export type InputFormat = 'edifact' | 'csv' | 'json';

/**
 * A format parser turns a byte stream into records, rejections and warnings, in input order,
 * with bounded memory. It never throws on bad input: a problem becomes a rejection (and the
 * parser resynchronises) or a warning.
 */
export type FormatParser = (
  input: AsyncIterable<Uint8Array>,
  context: { fileName: string },
) => AsyncIterable<IngestItem>;
