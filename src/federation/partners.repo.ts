/** SQL for federation partners. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type PartnerPolicy, partnerPolicySchema } from './sharing.ts';

export interface Partner {
  code: string;
  name: string;
  url: string;
  publicKeyPem: string;
  policy: PartnerPolicy;
  createdAt: string;
  updatedAt: string;
}

type Db = Kysely<DB> | Transaction<DB>;

function toPartner(r: {
  code: string;
  name: string;
  url: string;
  public_key_pem: string;
  policy: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}): Partner {
  return {
    code: r.code,
    name: r.name,
    url: r.url,
    publicKeyPem: r.public_key_pem,
    policy: partnerPolicySchema.parse(r.policy),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function listPartners(db: Db): Promise<Partner[]> {
  const rows = await db.selectFrom('federation_partners').selectAll().orderBy('code').execute();
  return rows.map(toPartner);
}

export async function findPartner(db: Db, code: string): Promise<Partner | undefined> {
  const row = await db
    .selectFrom('federation_partners')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

/** Inserts or replaces a partner's name, URL and key; a new partner starts with the given policy. */
export async function upsertPartner(
  db: Db,
  p: { code: string; name: string; url: string; publicKeyPem: string; policy: PartnerPolicy },
): Promise<void> {
  await db
    .insertInto('federation_partners')
    .values({
      code: p.code,
      name: p.name,
      url: p.url,
      public_key_pem: p.publicKeyPem,
      policy: JSON.stringify(p.policy),
    })
    .onConflict((oc) =>
      oc
        .column('code')
        .doUpdateSet({ name: p.name, url: p.url, public_key_pem: p.publicKeyPem, updated_at: new Date() }),
    )
    .execute();
}

export async function setPartnerPolicy(db: Db, code: string, policy: PartnerPolicy): Promise<void> {
  await db
    .updateTable('federation_partners')
    .set({ policy: JSON.stringify(policy), updated_at: new Date() })
    .where('code', '=', code)
    .execute();
}
