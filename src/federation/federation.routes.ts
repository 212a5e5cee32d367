/**
 * Federation API: partners and this instance's identity (for people), and the inbox and pull
 * feed (for partner instances, authenticated by their Ed25519 signature, not by a user token).
 */

import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { patchOf } from '../lib/zod-input.ts';
import { MAX_BATCH_BODY_BYTES, MAX_BATCH_MESSAGES } from './delivery.ts';
import { federationErrors } from './errors.ts';
import { FEED_SIGNATURE_HEADER, type FederationService } from './federation.service.ts';
import { MAX_MO_MESSAGE_BYTES } from './object-wire.ts';
import { partnerPolicySchema } from './sharing.ts';

const codeSchema = z.string().regex(/^[A-Z0-9-]{2,16}$/);

const newPartnerBody = z.object({
  code: codeSchema,
  name: z.string().min(1).max(200),
  url: z.url(),
  publicKeyPem: z.string().min(1).max(4000),
});

export function federationRoutes(federation: FederationService): RouteModule {
  return routeModule('federation', [
    route('GET', '/v1/federation/identity', 'partners:manage')
      .summary("This instance's agency code and public key, to give to a partner")
      .handle(() => federation.whoami()),
    route('GET', '/v1/partners', 'partners:manage')
      .summary('List partner agencies with their sharing policies')
      .handle(() => federation.listPartners()),
    route('POST', '/v1/partners', 'partners:manage')
      .summary('Add a partner (or replace its URL and key); it starts sharing nothing')
      .body(newPartnerBody)
      .status(201)
      .handle(({ actor, body }) => federation.addPartner(actor, body)),
    route('PUT', '/v1/partners/:code/policy', 'partners:manage')
      .summary("Change a partner's sharing policy (object types, highest TLP, personal data, four-eyes)")
      .params(z.object({ code: codeSchema }))
      .body(patchOf(partnerPolicySchema))
      .handle(({ actor, params, body }) => federation.setPolicy(actor, params.code, body)),
    // Public: the Ed25519 signature of a known partner is the authentication, checked in the service.
    route('POST', '/federation/v1/inbox', 'public')
      .summary('Receive a signed message (JWS, EdDSA) from a partner instance')
      .body(z.object({ jws: z.string().min(1) }))
      // A modus-operandi report carries its photos inline (object-wire.ts); the JSON wrapper adds little.
      .bodyLimit(MAX_MO_MESSAGE_BYTES + 1024)
      .handle(({ body }) => federation.receive(body.jws)),
    // Public: each message carries its own signature, checked one by one in the service.
    route('POST', '/federation/v1/inbox/batch', 'public')
      .summary('Receive several signed messages (JWS, EdDSA) in order; one result per message')
      .body(z.object({ messages: z.array(z.string().min(1)).min(1).max(MAX_BATCH_MESSAGES) }))
      .bodyLimit(MAX_BATCH_BODY_BYTES)
      .response(
        z.object({
          results: z.array(
            z.object({
              status: z.number().int().describe('what the message alone would have been answered'),
              messageId: z.string().optional(),
              outcome: z.enum(['applied', 'stale', 'duplicate']).optional(),
              hits: z.number().int().optional(),
              error: z.object({ code: z.string(), message: z.string() }).optional(),
            }),
          ),
        }),
      )
      .handle(async ({ body }) => ({ results: await federation.receiveBatch(body.messages) })),
    // Public: the signed request in the x-tandem-signature header is the authentication.
    route('GET', '/federation/v1/feed', 'public')
      .summary('Pull feed: what the policy allowed for the signing partner, after a cursor')
      .query(z.object({ since: z.coerce.number().int().min(0).default(0) }))
      .handle(({ request, query }) => {
        const header = request.headers[FEED_SIGNATURE_HEADER];
        if (typeof header !== 'string')
          throw federationErrors.malformedMessage(`the ${FEED_SIGNATURE_HEADER} header is missing`);
        return federation.feed(header, query.since);
      }),
  ]);
}
