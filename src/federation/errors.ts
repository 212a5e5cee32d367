/**
 * Refusals of federation messages, each with a stable code a partner's operator can act on. They
 * are TandemErrors so the API answers them in the one error format.
 */
import { type ErrorDetails, TandemError } from '../errors.ts';

export const federationErrors = {
  malformedMessage: (reason: string, details?: ErrorDetails) =>
    new TandemError('malformed_message', `the federation message is malformed: ${reason}`, 400, details),
  oversizedMessage: (size: number, limit: number) =>
    new TandemError(
      'oversized_message',
      `the federation message has ${size} bytes; the limit is ${limit}`,
      413,
      {
        size,
        limit,
      },
    ),
  unknownPartner: (code: string) =>
    new TandemError('unknown_partner', `the sender ${code} is not a known partner of this instance`, 401, {
      code,
    }),
  invalidSignature: (code: string) =>
    new TandemError(
      'invalid_signature',
      `the signature does not verify with the public key of partner ${code}`,
      401,
      {
        code,
      },
    ),
  expiredMessage: (sentAt: string, windowSeconds: number) =>
    new TandemError(
      'expired_message',
      `the message was signed at ${sentAt}, outside the accepted window of ±${windowSeconds} s`,
      401,
      { sentAt, windowSeconds },
    ),
  replayedMessage: (messageId: string) =>
    new TandemError(
      'replayed_message',
      `message ${messageId} was already received with this exact signature`,
      409,
      {
        messageId,
      },
    ),
  notOwner: (code: string, uid: string) =>
    new TandemError('not_owner', `partner ${code} may not change alert ${uid}: it did not issue it`, 403, {
      code,
      uid,
    }),
  /** A partner sent an object that names another agency as its origin. */
  impersonation: (code: string, owner: string) =>
    new TandemError(
      'not_owner',
      `partner ${code} may only send its own objects, not those of ${owner}`,
      403,
      { code, owner },
    ),
  wrongRecipient: (to: string, self: string) =>
    new TandemError('wrong_recipient', `the message is addressed to ${to}, this instance is ${self}`, 400, {
      to,
      self,
    }),
  unknownObject: (what: string, uid: string) =>
    new TandemError('unknown_object', `this instance holds no ${what} ${uid}`, 404, { what, uid }),
  notAgreed: (code: string, what: string) =>
    new TandemError(
      'not_agreed',
      `this instance has no agreement with ${code} to receive ${what}; set it in the partner policy`,
      403,
      { code, what },
    ),
};
