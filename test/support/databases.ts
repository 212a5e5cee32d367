/**
 * Fresh, migrated databases for tests, of both kinds. `describeEachDatabase` runs a suite once
 * on the embedded database and once on the PostgreSQL server; each run gets its own database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, type DatabaseKind, openDatabase } from '../../src/db/database.ts';
import { embeddedTemplateFile, serverUrl, skipServer, templateDatabase, urlForDatabase } from './env.ts';

export const databaseKinds: DatabaseKind[] = skipServer ? ['embedded'] : ['embedded', 'server'];

export interface TestDatabase extends Database {
  /** The URL of the server database, for tests that start a second process on it. */
  url?: string;
}

/** Opens a new, migrated, empty database of the given kind; close() also drops it. */
export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const blob = new Blob([fs.readFileSync(embeddedTemplateFile)]);
    return openDatabase({ loadDataDir: blob });
  }
  const name = `tandem_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  const url = urlForDatabase(name);
  const database = await openDatabase({ databaseUrl: url });
  const close = database.close.bind(database);
  return {
    ...database,
    url,
    async close() {
      await close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/**
 * Declares `fn`'s tests once per database kind. `ctx.database` is a fresh database shared by the
 * tests of that run (tests that need isolation clean up or use distinct keys).
 */
export function describeEachDatabase(
  name: string,
  fn: (ctx: { readonly database: TestDatabase }) => void,
): void {
  for (const kind of databaseKinds) {
    describe(`${name} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await freshDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      fn({
        get database(): TestDatabase {
          if (!database) throw new Error('database not open yet');
          return database;
        },
      });
    });
  }
}
