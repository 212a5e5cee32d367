/**
 * Reading cargo and feeding ingest over HTTP. An uploaded body is spooled to a file in the data
 * folder while it arrives (bounded memory, whatever its size), then ingested like a file from
 * the command line, so both paths share one pipeline and one idempotency rule.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../db/index.ts';
import { parseContainerNumber } from '../domain/index.ts';
import { errors } from '../errors.ts';
import { type ConsignmentFilter, findContainer, listConsignments } from './cargo.repo.ts';
import { type FileSummary, ingestFile } from './ingest.service.ts';
import { listQuarantine, type QuarantineFilter } from './quarantine.repo.ts';
import type { InputFormat } from './records.ts';

const formatOfMediaType: Record<string, InputFormat | undefined> = {
  'application/edifact': 'edifact',
  'application/edi-x12': undefined,
  'text/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'json',
  'application/jsonl': 'json',
};

export class CargoService {
  constructor(
    private readonly database: Database,
    private readonly spoolDir: string,
  ) {}

  /** Ingests an uploaded body; the format comes from the media type or is detected from the bytes. */
  async ingestStream(
    stream: Readable,
    contentType: string,
    actor: string,
    fileName?: string,
  ): Promise<FileSummary> {
    fs.mkdirSync(this.spoolDir, { recursive: true });
    const spool = path.join(this.spoolDir, `upload-${Date.now()}-${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(stream, fs.createWriteStream(spool));
      const format = formatOfMediaType[contentType];
      return await ingestFile(this.database, spool, {
        actor,
        fileName: fileName ?? `upload via API (${contentType})`,
        ...(format ? { format } : {}),
      });
    } finally {
      fs.rmSync(spool, { force: true });
    }
  }

  listConsignments(filter: ConsignmentFilter) {
    return listConsignments(this.database.db, filter);
  }

  /** One container with its consignments and events; a malformed number is refused with the reason. */
  async container(rawNumber: string) {
    const parsed = parseContainerNumber(rawNumber);
    if (!parsed.ok)
      // The reason names the number already: 'container number "abc" must be 3 owner letters, ...'.
      throw errors.validation(parsed.reason, {
        field: 'number',
        value: rawNumber,
        code: parsed.code,
      });
    const found = await findContainer(this.database.db, parsed.value.number);
    if (!found) throw errors.notFound('container', parsed.value.number);
    return found;
  }

  quarantine(filter: QuarantineFilter) {
    return listQuarantine(this.database.db, filter);
  }
}
