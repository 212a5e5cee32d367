/**
 * The federation objects beyond alerts as they travel: feedback on acting on an alert,
 * modus-operandi reports (with photos inline), aggregated seizure figures, joint operations and
 * their tallies. Limits on photos are here so sender and receiver check the same numbers.
 */
import { z } from 'zod';
import { tlpSchema } from '../intel/alert.ts';

export const agencyCodeSchema = z.string().regex(/^[A-Z0-9-]{2,16}$/);

export const substanceSchema = z.enum([
  'cocaine',
  'cannabis',
  'heroin',
  'synthetic_drugs',
  'precursors',
  'other',
]);
export const concealmentSchema = z.enum([
  'rip_on_rip_off',
  'reefer_unit',
  'container_structure',
  'cover_load',
  'dissolved_impregnated',
  'other',
]);

export const feedbackSeizureSchema = z.object({
  /** The reporting agency's seizure reference: counts a seizure once across feedback rows. */
  ref: z.string().min(1).max(64),
  substance: substanceSchema,
  netMassKg: z.number().positive(),
  concealment: concealmentSchema,
  packages: z.number().int().min(0).nullable(),
});

export const feedbackWireSchema = z.object({
  uid: z.string().uuid(),
  version: z.number().int().positive(),
  alertUid: z.string().uuid(),
  /** The agency that issued the alert: the only one this feedback goes to. */
  alertOrigin: agencyCodeSchema,
  reportingAgency: agencyCodeSchema,
  containerNumber: z.string().min(1).max(20),
  tlp: tlpSchema,
  inspected: z.object({
    at: z.iso.datetime().nullable(),
    kinds: z.array(z.enum(['scan', 'physical'])).max(2),
  }),
  result: z.discriminatedUnion('found', [
    z.object({ found: z.literal(false) }),
    z.object({ found: z.literal(true), seizures: z.array(feedbackSeizureSchema).min(1).max(50) }),
  ]),
});
export type FeedbackWire = z.infer<typeof feedbackWireSchema>;

/** One photo of a modus-operandi report, at most this many bytes. */
export const MAX_PHOTO_BYTES = 1024 * 1024;
/** Photos per report. */
export const MAX_PHOTOS_PER_REPORT = 4;
/** All photos of one report together (so of one message). */
export const MAX_PHOTO_BYTES_PER_REPORT = 2 * 1024 * 1024;
/**
 * Largest JWS carrying a modus-operandi report: the photo bytes grow by 4/3 as base64 in the
 * JSON and again by 4/3 as the base64url JWS payload (2 MiB → 3.56 MiB), plus the text fields.
 * Every other message keeps the 256 KiB limit of envelope.ts.
 */
export const MAX_MO_MESSAGE_BYTES = 4 * 1024 * 1024;

/** ISO 6346 size-type code, e.g. 45R1, 22G1. */
export const containerTypeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z]{2}[A-Z][0-9A-Z]$/, 'an ISO 6346 size-type code such as 45R1 or 22G1');
/** A country (ISO 3166 alpha-2) or a UN/LOCODE. */
export const originSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}([A-Z2-9]{3})?$/, 'a country code (EC) or a UN/LOCODE (ECGYE)');

export const moContentFields = {
  title: z.string().trim().min(1).max(200),
  concealmentMethod: concealmentSchema,
  indicators: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
  containerTypes: z.array(containerTypeSchema).max(50).default([]),
  origins: z.array(originSchema).max(100).default([]),
  description: z.string().max(20_000).default(''),
  sourceReliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']),
  infoCredibility: z.number().int().min(1).max(6),
  tlp: tlpSchema,
  recipients: z.array(agencyCodeSchema).max(50).default([]),
};

export const moPhotoWireSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mediaType: z.string().max(100),
  caption: z.string().max(500).nullable(),
  /** The bytes, base64. */
  content: z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4),
});

export const moWireSchema = z.object({
  ...moContentFields,
  uid: z.string().uuid(),
  originAgency: agencyCodeSchema,
  version: z.number().int().positive(),
  photos: z.array(moPhotoWireSchema).max(MAX_PHOTOS_PER_REPORT),
});
export type MoWire = z.infer<typeof moWireSchema>;

export const withdrawalWireSchema = z.object({
  uid: z.string().uuid(),
  originAgency: agencyCodeSchema,
  version: z.number().int().positive(),
});

export const statsFigureSchema = z.object({
  year: z.number().int().min(1900).max(2200),
  month: z.number().int().min(1).max(12),
  substance: substanceSchema,
  port: z.string().min(2).max(10),
  seizures: z.number().int().min(0),
  netMassKg: z.number().min(0),
});
export type StatsFigure = z.infer<typeof statsFigureSchema>;

export const statsWireSchema = z.object({
  /** Stable per sending agency: `stats:<agency>`. */
  uid: z.string().max(40),
  agency: agencyCodeSchema,
  version: z.number().int().positive(),
  generatedAt: z.iso.datetime(),
  figures: z.array(statsFigureSchema).max(20_000),
});
export type StatsWire = z.infer<typeof statsWireSchema>;

const targetValue = z.string().trim().min(1).max(200);
export const operationTargetsSchema = z.object({
  containerNumbers: z.array(targetValue).max(2000).default([]),
  transportDocumentNumbers: z.array(targetValue).max(2000).default([]),
  parties: z.array(targetValue).max(500).default([]),
});

export const operationWireSchema = z.object({
  uid: z.string().uuid(),
  leadAgency: agencyCodeSchema,
  version: z.number().int().positive(),
  status: z.enum(['active', 'cancelled']),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(10_000),
  participants: z.array(agencyCodeSchema).min(1).max(20),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  profile: z.object({
    expression: z.string().min(1).max(4000),
    action: z.enum(['score', 'select']),
    weight: z.number().finite().min(-1000).max(1000),
  }),
  targets: operationTargetsSchema,
  tlp: tlpSchema,
});
export type OperationWire = z.infer<typeof operationWireSchema>;

export const tallyWireSchema = z.object({
  operationUid: z.string().uuid(),
  agency: agencyCodeSchema,
  version: z.number().int().positive(),
  containersSelected: z.number().int().min(0),
  containersInspected: z.number().int().min(0),
  seizures: z.number().int().min(0),
  netMassKg: z.number().min(0),
});
export type TallyWire = z.infer<typeof tallyWireSchema>;
