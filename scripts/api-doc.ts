/** Rewrites the generated tables of docs/api.md from the code: `npx tsx scripts/api-doc.ts`. */

import fs from 'node:fs';
import { withGeneratedTables } from '../src/api/api-doc.ts';
import { assembleServer } from '../src/api/serve.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/index.ts';
import { createLogger } from '../src/logger.ts';

const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent' });
const logger = createLogger('silent');
const database = await openDatabase({});
const { app } = assembleServer(config, database, logger);
await app.ready();
const file = new URL('../docs/api.md', import.meta.url);
fs.writeFileSync(file, withGeneratedTables(fs.readFileSync(file, 'utf8'), app.routeCatalogue));
await app.close();
await database.close();
