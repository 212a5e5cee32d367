import fs from 'node:fs';
import { expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/databases.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { withGeneratedTables } from './api-doc.ts';
import { assembleServer } from './serve.ts';

it('docs/api.md lists every permission of every role and every route with its permission', async () => {
  const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const database = await freshDatabase('embedded');
  const { app } = assembleServer(config, database, logger);
  await app.ready();
  const doc = fs.readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const expected = withGeneratedTables(doc, app.routeCatalogue);
  await app.close();
  await database.close();
  expect(doc, 'docs/api.md is stale: run npx tsx scripts/api-doc.ts').toBe(expected);
});
