/** SQL for reading the quarantine: rejected records with where and why. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface QuarantineFilter {
  file?: string | undefined;
  code?: string | undefined;
  limit: number;
  /** Return entries with an id below this (paging from newest to oldest). */
  before?: number | undefined;
}

export async function listQuarantine(db: Kysely<DB>, f: QuarantineFilter) {
  let q = db.selectFrom('quarantine').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.file) q = q.where('file_name', 'like', `%${f.file}%`);
  if (f.code) q = q.where('code', '=', f.code);
  if (f.before) q = q.where('id', '<', f.before);
  return q.execute();
}

export async function getQuarantineEntry(db: Kysely<DB>, id: number) {
  return db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
}
