/**
 * Runs once before all tests: builds a migrated embedded-database dump and a migrated template
 * database on the server, so each test file starts from a fresh copy in well under a second
 * instead of migrating from scratch.
 */
import fs from 'node:fs';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import {
  embeddedTemplateFile,
  scratchDir,
  serverUrl,
  skipServer,
  templateDatabase,
  urlForDatabase,
} from './env.ts';

export default async function setup(): Promise<() => Promise<void>> {
  fs.mkdirSync(scratchDir, { recursive: true });
  const embedded = await openDatabase({});
  await migrate(embedded);
  const dump = await embedded.pglite!.dumpDataDir('none');
  fs.writeFileSync(embeddedTemplateFile, Buffer.from(await dump.arrayBuffer()));
  await embedded.close();

  const teardown = async () => {
    fs.rmSync(embeddedTemplateFile, { force: true });
    if (skipServer) return;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${templateDatabase}`);
    } finally {
      await admin.end();
    }
  };
  if (skipServer) return teardown;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `Database tests need the PostgreSQL server at ${serverUrl} (${(e as Error).message}). ` +
        'Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), set ' +
        'TANDEM_TEST_DATABASE_URL, or set TANDEM_TEST_SKIP_SERVER=1 to test the embedded database only.',
    );
  }
  try {
    await admin.query(`drop database if exists ${templateDatabase}`);
    await admin.query(`create database ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  const server = await openDatabase({ databaseUrl: urlForDatabase(templateDatabase) });
  await migrate(server);
  await server.close();
  return teardown;
}
