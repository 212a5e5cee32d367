/**
 * The signed federation envelope: who sends what to whom, when, under which message id. The
 * payload of every JWS this instance exchanges with a partner is one of these.
 */
import { z } from 'zod';
import { alertContentSchema } from '../intel/alert.ts';
import {
  feedbackWireSchema,
  moWireSchema,
  operationWireSchema,
  statsWireSchema,
  tallyWireSchema,
  withdrawalWireSchema,
} from './object-wire.ts';

const agencyCode = z.string().regex(/^[A-Z0-9-]{2,16}$/);

/** An alert as it travels: its content (possibly redacted) and its global identity and version. */
export const alertWireSchema = alertContentSchema.extend({
  uid: z.string().uuid(),
  originAgency: agencyCode,
  version: z.number().int().positive(),
  validFrom: z.iso.datetime(),
  validUntil: z.iso.datetime().nullable(),
});
export type AlertWire = z.infer<typeof alertWireSchema>;

export const alertWithdrawalSchema = z.object({
  uid: z.string().uuid(),
  originAgency: agencyCode,
  version: z.number().int().positive(),
});

const common = {
  messageId: z.string().uuid(),
  from: agencyCode,
  to: agencyCode,
  /** ISO time with milliseconds, set at each signing so retries carry a fresh timestamp. */
  sentAt: z.iso.datetime(),
};

export const envelopeSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('alert.upsert'), object: alertWireSchema }),
  z.object({ ...common, kind: z.literal('alert.withdraw'), object: alertWithdrawalSchema }),
  z.object({ ...common, kind: z.literal('feedback.upsert'), object: feedbackWireSchema }),
  z.object({ ...common, kind: z.literal('mo.upsert'), object: moWireSchema }),
  z.object({ ...common, kind: z.literal('mo.withdraw'), object: withdrawalWireSchema }),
  z.object({ ...common, kind: z.literal('stats.figures'), object: statsWireSchema }),
  z.object({ ...common, kind: z.literal('operation.upsert'), object: operationWireSchema }),
  z.object({ ...common, kind: z.literal('operation.tally'), object: tallyWireSchema }),
  z.object({
    ...common,
    kind: z.literal('feed.request'),
    object: z.object({ since: z.number().int().min(0) }),
  }),
]);
export type Envelope = z.infer<typeof envelopeSchema>;

/** Largest accepted JWS, in bytes: an alert with hundreds of identifiers fits with room to spare. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** How far a message's sentAt may be from this instance's clock. */
export const TIMESTAMP_WINDOW_SECONDS = 300;
