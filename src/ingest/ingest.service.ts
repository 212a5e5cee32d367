/**
 * Ingest of one file: detect the format, stream it through its parser and the validator, and
 * store records in batches, each batch in one transaction with its outbox events. Memory is
 * bounded by the batch size and the parser's own bounds, whatever the file size. A crash loses
 * at most the batch in flight, and running the file again stores exactly what one clean run would.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { emitEvent, emitEvents, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { parseCsv } from './csv.parser.ts';
import { detectFormat } from './detect-format.ts';
import { parseEdifact } from './edifact.parser.ts';
import {
  type Bulk,
  type Change,
  type FileContext,
  finishIngestFile,
  insertRejections,
  type Keyed,
  startIngestFile,
  upsertConsignments,
  upsertContainerEvents,
  upsertContainers,
  upsertParties,
  upsertPortCalls,
} from './ingest.repo.ts';
import { parseJson } from './json.parser.ts';
import { consignmentKey, containerEventKey, contentHash, portCallKey } from './keys.ts';
import type {
  ConsignmentRecord,
  ContainerEventRecord,
  FormatParser,
  IngestItem,
  IngestWarning,
  InputFormat,
  PartyRecord,
  PortCallRecord,
  Rejection,
} from './records.ts';
import { validateConsignment, validateContainerEvent, validatePortCall } from './validate.ts';

const parsers: Record<InputFormat, FormatParser> = { edifact: parseEdifact, csv: parseCsv, json: parseJson };

export interface IngestCounts {
  accepted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  warnings: number;
}

export interface FileSummary extends IngestCounts {
  file: string;
  format: InputFormat;
  sha256: string;
  bytes: number;
  ingestFileId: number;
  durationMs: number;
  /** The first warnings, with their positions (all are counted). */
  warningSamples: IngestWarning[];
}

export interface IngestProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  counts: IngestCounts;
}

export interface IngestOptions {
  /** Name shown in summaries and quarantine (default: the path). */
  fileName?: string;
  actor: string;
  batchSize?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Skip detection and use this format. */
  format?: InputFormat;
}

const MAX_WARNING_SAMPLES = 50;

/** Ingests one file from disk; see the module comment. */
export async function ingestFile(
  database: Database,
  path: string,
  options: IngestOptions,
): Promise<FileSummary> {
  const started = Date.now();
  const fileName = options.fileName ?? path;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw errors.badRequest(`cannot read ${fileName}: no such file`, { file: fileName });
  }
  if (!stat.isFile()) throw errors.badRequest(`${fileName} is not a file`, { file: fileName });
  const sha256 = await hashFile(path);
  const format = options.format ?? (await detectFileFormat(path, fileName));
  const ingestFileId = await startIngestFile(database.db, {
    fileName,
    sha256,
    format,
    byteSize: stat.size,
    actor: options.actor,
  });
  const file: FileContext = { ingestFileId, fileName, sha256, format };
  const counts: IngestCounts = { accepted: 0, updated: 0, unchanged: 0, quarantined: 0, warnings: 0 };
  const warningSamples: IngestWarning[] = [];
  let batch = new Batch();
  const batchSize = options.batchSize ?? 2000;
  let bytesRead = 0;
  // Progress after every chunk read and every batch stored (the command decides how often to show it).
  const report = () =>
    options.onProgress?.({ file: fileName, bytesRead, bytesTotal: stat.size, counts: { ...counts } });

  const warn = (w: IngestWarning) => {
    counts.warnings++;
    if (warningSamples.length < MAX_WARNING_SAMPLES) warningSamples.push(w);
  };

  const input = countingStream(fs.createReadStream(path, { highWaterMark: 1 << 20 }), (n) => {
    bytesRead += n;
    report();
  });

  try {
    // Batches go through a bulk session (on a server, one connection held for the file).
    await database.bulk(async (session) => {
      // Two-stage pipeline: while one batch is being stored, the next one is parsed and
      // validated. Batches are still stored one after the other, in input order, each in its own
      // transaction.
      let inFlight: Promise<void> | undefined;
      let sinceTurn = 0;
      const flush = async () => {
        if (batch.size === 0) return;
        const toStore = batch;
        batch = new Batch();
        if (inFlight) await inFlight;
        const stored = storeBatchRetrying(session.db, file, toStore, session).then((outcome) => {
          counts.accepted += outcome.accepted;
          counts.updated += outcome.updated;
          counts.unchanged += outcome.unchanged;
          report();
        });
        stored.catch(() => {}); // handled where it is awaited
        inFlight = stored;
      };
      try {
        for await (const item of parsers[format](input, { fileName })) {
          if (item.kind === 'warning') {
            warn(item.warning);
            continue;
          }
          if (item.kind === 'rejection') {
            counts.quarantined++;
            batch.rejections.push(item.rejection);
          } else {
            const checked = checkItem(item);
            for (const w of checked.warnings) warn(w);
            if (checked.rejections.length > 0) {
              counts.quarantined++;
              batch.rejections.push(...checked.rejections);
            } else if (!batch.add(item, checked.record)) {
              await flush();
              batch.add(item, checked.record);
            }
          }
          if (batch.size >= batchSize) await flush();
          // Parsing runs in microtasks for as long as the current chunk lasts; a turn of the event
          // loop now and then lets the batch being stored go on with its next statement meanwhile.
          else if (inFlight && ++sinceTurn >= TURN_EVERY) {
            sinceTurn = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
        await flush();
        if (inFlight) await inFlight;
      } finally {
        // A batch still being stored keeps the session until it is done.
        await inFlight?.catch(() => {});
      }
    });
  } catch (e) {
    await database.db
      .transaction()
      .execute((trx) =>
        finishIngestFile(trx, ingestFileId, 'failed', { ...counts, error: (e as Error).message }),
      );
    throw e;
  }

  const summary: FileSummary = {
    file: fileName,
    format,
    sha256,
    bytes: stat.size,
    ingestFileId,
    ...counts,
    durationMs: Date.now() - started,
    warningSamples,
  };
  await database.db.transaction().execute(async (trx) => {
    await finishIngestFile(trx, ingestFileId, 'done', { ...counts, warningSamples });
    await writeAudit(trx, {
      actor: options.actor,
      action: 'ingest.file',
      entityType: 'ingest_file',
      entityId: ingestFileId,
      details: { file: fileName, sha256, format, ...counts },
    });
  });
  options.onProgress?.({
    file: fileName,
    bytesRead: stat.size,
    bytesTotal: stat.size,
    counts: { ...counts },
  });
  return summary;
}

type StoredItem = Extract<IngestItem, { kind: 'port_call' | 'consignment' | 'container_event' }>;

function checkItem(item: StoredItem) {
  switch (item.kind) {
    case 'port_call':
      return validatePortCall(withoutNul(item.record), item.ref);
    case 'consignment':
      return validateConsignment(withoutNul(item.record), item.ref);
    case 'container_event':
      return validateContainerEvent(withoutNul(item.record), item.ref);
  }
}

/**
 * PostgreSQL text cannot hold U+0000, and a single such character would fail the whole batch:
 * it is replaced by U+FFFD (as undecodable bytes are) in every string of a record.
 */
function withoutNul<T>(value: T): T {
  return hasNul(value) ? replaceNul(value) : value;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') {
    for (const k in value) if (hasNul(k) || hasNul((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

function replaceNul<T>(value: T): T {
  if (typeof value === 'string')
    return (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(replaceNul) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[replaceNul(k)] = replaceNul(v);
    return out as T;
  }
  return value;
}

/** Records parsed between two turns of the event loop while a batch is being stored. */
const TURN_EVERY = 100;

/** Records waiting to be stored, deduplicated by key (a second record with a key already in the batch forces a flush). */
class Batch {
  portCalls = new Map<string, Keyed<PortCallRecord>>();
  consignments = new Map<string, Keyed<ConsignmentRecord>>();
  events = new Map<string, Keyed<ContainerEventRecord>>();
  rejections: Rejection[] = [];

  get size(): number {
    return this.portCalls.size + this.consignments.size + this.events.size + this.rejections.length;
  }

  /** Adds a validated record; false when its key is already waiting in this batch. */
  add(item: StoredItem, record: PortCallRecord | ConsignmentRecord | ContainerEventRecord | null): boolean {
    if (record === null) return true;
    const sourceRef = item.ref.recordRef ? `${item.ref.recordRef} ${item.ref.position}` : item.ref.position;
    if (item.kind === 'port_call') {
      const r = record as PortCallRecord;
      return put(this.portCalls, { key: portCallKey(r), hash: contentHash(r), record: r, sourceRef });
    }
    if (item.kind === 'consignment') {
      const r = record as ConsignmentRecord;
      return put(this.consignments, { key: consignmentKey(r), hash: contentHash(r), record: r, sourceRef });
    }
    const r = record as ContainerEventRecord;
    return put(this.events, { key: containerEventKey(r), hash: contentHash(r), record: r, sourceRef });
  }

  clear(): void {
    this.portCalls.clear();
    this.consignments.clear();
    this.events.clear();
    this.rejections = [];
  }
}

function put<T>(map: Map<string, Keyed<T>>, k: Keyed<T>): boolean {
  if (map.has(k.key)) return false;
  map.set(k.key, k);
  return true;
}

/**
 * New rows are inserted without ON CONFLICT (much faster in bulk); if another session stored
 * the same key in the meantime, the batch fails with a unique violation and is stored again,
 * now seeing that row as known. The retry is one more transaction, never a partial batch.
 */
async function storeBatchRetrying(
  db: Kysely<DB>,
  file: FileContext,
  batch: Batch,
  bulk: Bulk,
): Promise<Record<Change, number>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await storeBatch(db, file, batch, bulk);
    } catch (e) {
      if (attempt >= 3 || (e as { code?: unknown }).code !== '23505') throw e;
    }
  }
}

/** Stores one batch in one transaction; returns how many records were new, corrected or unchanged. */
async function storeBatch(
  db: Kysely<DB>,
  file: FileContext,
  batch: Batch,
  bulk: Bulk,
): Promise<Record<Change, number>> {
  return db.transaction().execute(async (trx) => {
    const consignments = [...batch.consignments.values()];
    const events = [...batch.events.values()];
    // Port calls named inside consignments are stored too, but only standalone ones are counted.
    const embedded = new Map<string, Keyed<PortCallRecord>>();
    for (const c of consignments) {
      const p = c.record.portCall;
      if (p) {
        const key = portCallKey(p);
        if (!batch.portCalls.has(key))
          embedded.set(key, { key, hash: contentHash(p), record: p, sourceRef: c.sourceRef });
      }
    }
    const callChanges = await upsertPortCalls(trx, file, [...batch.portCalls.values(), ...embedded.values()]);
    const partyIds = await upsertParties(
      trx,
      consignments.flatMap(({ record: c }) =>
        [c.shipper, c.consignee, c.notifyParty, c.forwarder].filter((p): p is PartyRecord => p !== undefined),
      ),
    );
    const containers = await upsertContainers(
      trx,
      [...consignments.flatMap((c) => c.record.containers), ...events.map((e) => e.record)],
      bulk,
    );
    const portCallIds = new Map([...callChanges].map(([k, v]) => [k, v.id]));
    const consignmentChanges = await upsertConsignments(
      trx,
      file,
      consignments.map((c) => ({
        ...c,
        portCallKey: c.record.portCall ? portCallKey(c.record.portCall) : undefined,
      })),
      { portCallIds, partyIds, containerIds: containers.ids },
      bulk,
    );
    const eventChanges = await upsertContainerEvents(trx, file, events, containers, bulk);
    await insertRejections(trx, file, batch.rejections);

    const storedConsignments: { id: number; key: string; change: Change }[] = [];
    for (const [key, { id, change }] of consignmentChanges) {
      if (change !== 'unchanged') storedConsignments.push({ id, key, change });
    }
    await emitEvents(trx, 'consignment.stored', storedConsignments);
    if (eventChanges.changedIds.length > 0) {
      await emitEvent(trx, 'container_events.stored', { ids: eventChanges.changedIds });
    }
    const outcome: Record<Change, number> = {
      accepted: eventChanges.accepted,
      updated: eventChanges.updated,
      unchanged: eventChanges.unchanged,
    };
    for (const k of batch.portCalls.keys()) outcome[callChanges.get(k)?.change ?? 'unchanged']++;
    for (const c of consignmentChanges.values()) outcome[c.change]++;
    return outcome;
  });
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(path, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function detectFileFormat(path: string, fileName: string): Promise<InputFormat> {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const detected = detectFormat(head.subarray(0, n));
    if (!detected.ok) throw errors.unsupportedFormat(`${fileName}: ${detected.reason}`, { file: fileName });
    return detected.format;
  } finally {
    fs.closeSync(fd);
  }
}

async function* countingStream(
  stream: AsyncIterable<unknown>,
  onBytes: (n: number) => void,
): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    onBytes(bytes.length);
    yield bytes;
  }
}
