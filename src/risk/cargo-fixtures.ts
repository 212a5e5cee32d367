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
import { assessConsignments } from './assessment.service.ts';

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

/**
 * Assesses every consignment not yet assessed or corrected since, as the risk worker would, but with no profile hits
 * and no random share, so nothing is selected: for tests of what comes after assessment (the gate
 * holds a container whose manifest is not yet assessed). `only` limits it to these transport
 * documents.
 */
export async function assessWithoutSelecting(database: Database, only?: readonly string[]): Promise<void> {
  const { rows } = await sql<{ id: number }>`
    select distinct cc.consignment_id as id
      from consignment_containers cc
      join containers c on c.id = cc.container_id
     where c.assessment_due_at is not null
        or not exists (select 1 from assessments a
                        where a.consignment_id = cc.consignment_id and a.container_id = cc.container_id)`.execute(
    database.db,
  );
  let ids = rows.map((r) => Number(r.id));
  if (only) {
    const chosen = await database.db
      .selectFrom('consignments')
      .select('id')
      .where('transport_document_number', 'in', [...only])
      .execute();
    const keep = new Set(chosen.map((c) => Number(c.id)));
    ids = ids.filter((id) => keep.has(id));
  }
  await assessConsignments(database.db, ids, {
    explorationShare: 0,
    profiles: { evaluate: async (views) => ({ hits: views.map(() => []), versions: {} }) },
  });
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
