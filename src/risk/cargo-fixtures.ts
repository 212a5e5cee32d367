/**
 * Test support for the risk capability: writes records as a JSON Lines file and feeds it to the
 * real ingest, so views, features and profiles are tested on what ingest really stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { jsonLines } from '../../test/support/factories.ts';
import type { Database } from '../db/index.ts';
import { ingestFile } from '../ingest/ingest.service.ts';

type JsonRecords = Parameters<typeof jsonLines>[0];

let fileCounter = 0;

/** Ingests the records through the real JSON ingest; fails the test when any is rejected. */
export async function ingestRecords(database: Database, records: JsonRecords): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-risk-'));
  const file = path.join(dir, `records-${++fileCounter}.jsonl`);
  fs.writeFileSync(file, jsonLines(records));
  try {
    const summary = await ingestFile(database, file, { actor: 'test', format: 'json' });
    if (summary.quarantined > 0) throw new Error(`ingest quarantined ${summary.quarantined} records`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Records an inspection outcome of a container (the table of migration 0003). */
export async function recordOutcome(
  database: Database,
  outcome: { containerNumber: string; transportDocumentNumber: string; inspectedAt: string; hit: boolean },
): Promise<void> {
  await sql`
    insert into inspection_outcomes (container_id, consignment_id, inspected_at, kind, hit, source)
    select k.id, c.id, ${outcome.inspectedAt}::timestamptz, 'scan', ${outcome.hit}, 'test'
      from containers k
      join consignment_containers cc on cc.container_id = k.id
      join consignments c on c.id = cc.consignment_id
     where k.container_number = ${outcome.containerNumber}
       and c.transport_document_number = ${outcome.transportDocumentNumber}`.execute(database.db);
}
