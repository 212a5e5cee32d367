/**
 * A scratch database on the PostgreSQL server for a benchmark: created under a unique name, opened,
 * and dropped again (with any connections left) by `drop`.
 */
import pg from 'pg';
import { type Database, openDatabase } from '../src/db/index.ts';

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates and opens `name` (letters, digits and underscores) on the server; `drop`, called after the database is closed, removes it. */
export async function openScratchDatabase(
  serverUrl: string,
  name: string,
): Promise<{ database: Database; drop(): Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await admin(serverUrl, `drop database if exists ${name} with (force)`);
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  return {
    database,
    async drop() {
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
