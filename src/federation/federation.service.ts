/**
 * Federation as the API and the CLI see it: this instance's identity, its partners and their
 * sharing policies, the inbox for signed messages and the pull feed.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import { errors, TandemError } from '../errors.ts';
import { reshareMoReportsAfterPolicy } from '../intel/mo-reports.ts';
import type { Logger } from '../logger.ts';
import { signEnvelope, signQueued } from './delivery.ts';
import { federationErrors } from './errors.ts';
import type { AgencyIdentity } from './identity.ts';
import { parseEd25519PublicKey } from './identity.ts';
import { type InboxOutcome, processMessage, verifyMessage } from './inbox.ts';
import { findPartner, listPartners, type Partner, setPartnerPolicy, upsertPartner } from './partners.repo.ts';
import { reshareAlertsAfterPolicy } from './share-queue.ts';
import { type PartnerPolicy, partnerPolicySchema } from './sharing.ts';

export interface NewPartner {
  code: string;
  name: string;
  url: string;
  publicKeyPem: string;
}

export interface FeedPage {
  messages: { cursor: number; jws: string }[];
  /** Pass as `since` for the next page. */
  next: number;
}

const FEED_PAGE = 100;

/** The answer to one message of a batch (POST /federation/v1/inbox/batch). */
export type BatchItemResult =
  | { status: 200; messageId: string; outcome: InboxOutcome; hits: number }
  | { status: number; error: { code: string; message: string } };

const notProcessed = {
  code: 'not_processed',
  message: 'an earlier message of the batch failed and may be retried; send this one again after it',
};
const FEED_PAGE_BYTES = 16 * 1024 * 1024;

/** Carries the signed feed request: the signature is the partner's authentication. */
export const FEED_SIGNATURE_HEADER = 'x-tandem-signature';

export class FederationService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly identity: AgencyIdentity,
    private readonly logger?: Logger,
  ) {}

  whoami(): { code: string; name: string; publicKeyPem: string } {
    return { code: this.identity.code, name: this.identity.name, publicKeyPem: this.identity.publicKeyPem };
  }

  async listPartners(): Promise<Partner[]> {
    return listPartners(this.db);
  }

  /** Adds (or re-keys) a partner; a new partner gets the closed default policy (nothing shared). */
  async addPartner(actor: string, input: NewPartner): Promise<Partner> {
    if (input.code === this.identity.code)
      throw errors.validation(`${input.code} is this instance's own code`);
    let publicKeyPem: string;
    try {
      publicKeyPem = parseEd25519PublicKey(input.publicKeyPem);
    } catch (e) {
      throw errors.validation(
        `the public key of ${input.code} is not an Ed25519 PEM key: ${e instanceof Error ? e.message : String(e)}`,
        { field: 'publicKey' },
      );
    }
    const url = new URL(input.url).toString();
    await this.db.transaction().execute(async (trx) => {
      await upsertPartner(trx, { ...input, url, publicKeyPem, policy: partnerPolicySchema.parse({}) });
      await writeAudit(trx, {
        actor,
        action: 'partner.add',
        entityType: 'partner',
        entityId: input.code,
        details: { name: input.name, url },
      });
    });
    return this.partner(input.code);
  }

  async setPolicy(actor: string, code: string, patch: Partial<PartnerPolicy>): Promise<Partner> {
    return this.db.transaction().execute(async (trx) => {
      const current = await findPartner(trx, code);
      if (!current) throw errors.notFound('partner', code);
      const policy = partnerPolicySchema.parse({ ...current.policy, ...patch });
      await setPartnerPolicy(trx, code, policy);
      // A narrower policy also applies to what the partner holds already.
      const resharedAlerts = await reshareAlertsAfterPolicy(trx, code, current.policy, actor);
      const resharedReports = await reshareMoReportsAfterPolicy(trx, { ...current, policy });
      await writeAudit(trx, {
        actor,
        action: 'partner.policy',
        entityType: 'partner',
        entityId: code,
        details: { after: policy, before: current.policy, resharedAlerts, resharedReports },
      });
      return { ...current, policy };
    });
  }

  async partner(code: string): Promise<Partner> {
    const p = await findPartner(this.db, code);
    if (!p) throw errors.notFound('partner', code);
    return p;
  }

  /** Verifies and processes one signed message; refusals are logged and thrown. */
  async receive(token: string): Promise<{ messageId: string; outcome: InboxOutcome; hits: number }> {
    try {
      const message = await verifyMessage(this.db, token, this.identity.code);
      const result = await processMessage(this.db, message);
      this.logger?.info(
        { partner: message.partner.code, messageId: message.envelope.messageId, ...result },
        'federation message received',
      );
      return { messageId: message.envelope.messageId, ...result };
    } catch (e) {
      this.logger?.warn({ err: e, bytes: Buffer.byteLength(token) }, 'federation message refused');
      throw e;
    }
  }

  /**
   * Several signed messages in one request, processed in their order, each on its own exactly as
   * `receive` does (own checks, own transaction). A message refused for good (4xx) does not stop
   * the others, as when sent alone; a failure that a retry can mend (database down: 5xx) stops the
   * batch there, and the messages after it are answered `not_processed` so that the sender sends
   * them again, still in order.
   */
  async receiveBatch(tokens: readonly string[]): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = [];
    for (const token of tokens) {
      if ((results.at(-1)?.status ?? 0) >= 500) {
        results.push({ status: 503, error: notProcessed });
        continue;
      }
      try {
        results.push({ status: 200, ...(await this.receive(token)) });
      } catch (e) {
        const refusal = e instanceof TandemError ? e : undefined;
        results.push({
          status: refusal?.status ?? 500,
          error: refusal
            ? { code: refusal.code, message: refusal.message }
            : { code: 'internal_error', message: 'the message could not be processed; send it again' },
        });
      }
    }
    return results;
  }

  /**
   * The pull feed for the partner that signed the request: the messages queued for it after
   * `since`, each signed afresh (same message ids as the push, so the partner's inbox dedups).
   */
  async feed(requestToken: string, since: number): Promise<FeedPage> {
    const message = await verifyMessage(this.db, requestToken, this.identity.code).catch((e: unknown) => {
      this.logger?.warn({ err: e }, 'federation feed request refused');
      throw e;
    });
    if (message.envelope.kind !== 'feed.request')
      throw federationErrors.malformedMessage('expected a feed.request');
    if (message.envelope.object.since !== since) {
      throw federationErrors.malformedMessage(
        `the URL asks for since=${since} but the signed request says ${message.envelope.object.since}`,
      );
    }
    const rows = await this.db
      .selectFrom('federation_deliveries')
      .selectAll()
      .where('partner_code', '=', message.partner.code)
      .where('status', 'in', ['pending', 'delivered'])
      .where('id', '>', message.envelope.object.since)
      .orderBy('id')
      .limit(FEED_PAGE)
      .execute();
    const messages: FeedPage['messages'] = [];
    let bytes = 0;
    for (const r of rows) {
      const jws = signQueued(this.identity, {
        id: r.id,
        messageId: r.message_id,
        partnerCode: r.partner_code,
        kind: r.kind,
        payload: r.payload,
      });
      // Reports with photos are large: a page stops at FEED_PAGE_BYTES (but carries at least one message).
      if (messages.length > 0 && bytes + jws.length > FEED_PAGE_BYTES) break;
      bytes += jws.length;
      messages.push({ cursor: r.id, jws });
    }
    return { messages, next: messages.at(-1)?.cursor ?? message.envelope.object.since };
  }

  /** The signed header value that asks `partnerCode` for its feed after `since`. */
  feedRequest(partnerCode: string, since: number): string {
    return signEnvelope(this.identity, {
      kind: 'feed.request',
      messageId: randomUUID(),
      from: this.identity.code,
      to: partnerCode,
      sentAt: new Date().toISOString(),
      object: { since },
    });
  }

  /** Pulls a partner's feed after `since` and processes each message; returns the next cursor. */
  async pullFeed(partnerCode: string, since: number): Promise<{ next: number; applied: number }> {
    const partner = await this.partner(partnerCode);
    const url = new URL('/federation/v1/feed', partner.url);
    url.searchParams.set('since', String(since));
    const response = await fetch(url, {
      headers: { [FEED_SIGNATURE_HEADER]: this.feedRequest(partnerCode, since) },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw errors.badRequest(
        `partner ${partnerCode} refused the feed request: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
      );
    const page: unknown = await response.json();
    const parsed = feedPageSchema.parse(page);
    let applied = 0;
    for (const m of parsed.messages) {
      // One refused message must not stop the feed; receive() has logged why.
      const r = await this.receive(m.jws).catch(() => undefined);
      if (r?.outcome === 'applied') applied++;
    }
    return { next: parsed.next, applied };
  }
}

const feedPageSchema = z.object({
  messages: z.array(z.object({ cursor: z.number().int(), jws: z.string() })),
  next: z.number().int(),
});
