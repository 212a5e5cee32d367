/**
 * Plain-SQL migrations, numbered (`0001_name.sql`), applied in order, each in one transaction,
 * never edited once landed: a checksum recorded at apply time detects an edited file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: string;
  name: string;
  file: string;
  checksum: string;
}

export interface MigrationStatus {
  version: string;
  name: string;
  appliedAt: Date | null;
  /** True when the file changed after it was applied. */
  modified: boolean;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
      return {
        version: version ?? file,
        name: rest.join('_'),
        file: path.join(dir, file),
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

async function ensureTable(database: Database): Promise<void> {
  await sql`create table if not exists schema_migrations (
    version text primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`.execute(database.db);
}

export async function migrationStatus(database: Database): Promise<MigrationStatus[]> {
  await ensureTable(database);
  const applied = await sql<{ version: string; checksum: string; applied_at: Date }>`
    select version, checksum, applied_at from schema_migrations`.execute(database.db);
  const byVersion = new Map(applied.rows.map((r) => [r.version, r]));
  return listMigrations().map((m) => {
    const row = byVersion.get(m.version);
    return {
      version: m.version,
      name: m.name,
      appliedAt: row?.applied_at ?? null,
      modified: row !== undefined && row.checksum !== m.checksum,
    };
  });
}

/** Applies every pending migration; returns the versions applied. */
export async function migrate(database: Database, onApply?: (m: Migration) => void): Promise<string[]> {
  await ensureTable(database);
  // On a server, two processes starting at once must not both migrate: hold a session lock
  // on one dedicated connection for the whole run.
  const lockClient = database.pool ? await database.pool.connect() : undefined;
  await lockClient?.query('select pg_advisory_lock(7166061)');
  try {
    const status = await migrationStatus(database);
    const pending = new Set(status.filter((s) => s.appliedAt === null).map((s) => s.version));
    const done: string[] = [];
    for (const m of listMigrations()) {
      if (!pending.has(m.version)) continue;
      onApply?.(m);
      const body = fs.readFileSync(m.file, 'utf8');
      const record = `insert into schema_migrations (version, name, checksum) values ('${m.version}', '${m.name}', '${m.checksum}');`;
      await database.execScript(`${body}\n;\n${record}`);
      done.push(m.version);
    }
    return done;
  } finally {
    await lockClient?.query('select pg_advisory_unlock(7166061)').catch(() => {});
    lockClient?.release();
  }
}
