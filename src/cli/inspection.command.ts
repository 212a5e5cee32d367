/**
 * `tandem inspection ...`: the scan queue of a scanner, and working inspections from a terminal:
 * assign, start, complete, attach a file, record a detection reading.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { errors } from '../errors.ts';
import { AttachmentService, attachmentQuerySchema } from '../inspection/attachments.service.ts';
import type { SettleResult } from '../inspection/holds.repo.ts';
import {
  assignInputSchema,
  completeInputSchema,
  type Inspection,
  InspectionService,
  inspectionFilterSchema,
} from '../inspection/inspections.service.ts';
import { ReadingService, readingInputSchema } from '../inspection/readings.service.ts';
import { cliActor, parseFields, positiveId, printJson, withDatabase } from './context.ts';

const inspectionId = (id: string): number => positiveId(id, 'an inspection');

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw errors.validation(`--${name} ${value} is not a number`);
  return n;
}

function inspectionLine(i: Inspection): string {
  const who = [i.scanner, i.assignee].filter(Boolean).join(' ');
  const verdict = i.verdict ? ` ${i.verdict}${i.anomalyRegion ? ` (${i.anomalyRegion})` : ''}` : '';
  return `${i.id}\t${i.containerNumber}\t${i.port}\t${i.kind}\t${i.status}${verdict}\t${who}\tdeadline ${i.deadline ?? '-'}`;
}

/** What settling the hold did, in words for the officer at the terminal. */
function settled(hold: { id: number; result: SettleResult }): string {
  switch (hold.result) {
    case 'released':
      return 'released';
    case 'still_held':
      return 'still held: another required inspection is not completed';
    case 'held_for_findings':
      return `still held: the inspections found something (tandem hold show ${hold.id}); only a two-officer override lets it leave (POST /v1/holds/${hold.id}/overrides)`;
    case 'not_active':
      return 'no longer active (released or overridden before)';
  }
}

export function registerInspectionCommands(program: Command): void {
  const inspection = program
    .command('inspection')
    .description('scan queues and inspections: assign, start, complete, attach files, readings');
  inspection
    .command('queue')
    .description('the scan queue of a scanner, in the order to work it, with estimated times')
    .argument('<scanner>', 'scanner code')
    .option('--json', 'print as JSON')
    .action((code: string, opts: { json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const queue = await new InspectionService(database.db).scanQueue(code);
        if (opts.json) return printJson(queue);
        process.stdout.write(
          `${queue.scanner.code} at ${queue.scanner.port}: ${queue.items.length} ${queue.items.length === 1 ? 'box' : 'boxes'}, ${queue.minutesPerBox.toFixed(1)} min each, ${queue.missingDeadlines} will miss ${queue.missingDeadlines === 1 ? 'its' : 'their'} deadline\n`,
        );
        for (const i of queue.items)
          process.stdout.write(
            `${i.position}\t${i.containerNumber}\tinspection ${i.inspectionId}\trisk ${i.priorityScore.toFixed(3)}\tstart ${i.estimatedStart}\tdeadline ${i.deadline ?? '-'}${i.willMissDeadline ? ' MISSES' : ''}\t${i.placedBy}\n`,
          );
      }),
    );
  inspection
    .command('list')
    .description('inspections, the most urgent first')
    .option('--port <locode>', 'port')
    .option('--kind <kind>', 'scan or physical')
    .option('--status <status>', 'queued, assigned, in_progress, completed or cancelled')
    .option('--container <number>', 'container number')
    .option('--json', 'print as JSON')
    .action((opts: { port?: string; kind?: string; status?: string; container?: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const { json, ...filter } = opts;
        const list = await new InspectionService(database.db).list(
          parseFields(inspectionFilterSchema, filter),
        );
        if (json) return printJson(list);
        for (const i of list) process.stdout.write(`${inspectionLine(i)}\n`);
      }),
    );
  inspection
    .command('show')
    .description('one inspection with its hold, readings and attachments (JSON)')
    .argument('<id>', 'inspection id')
    .action((id: string) =>
      withDatabase(async ({ database }) =>
        printJson(await new InspectionService(database.db).get(inspectionId(id))),
      ),
    );
  inspection
    .command('assign')
    .description('assign an inspection to a scanner (scans) and/or an inspector')
    .argument('<id>', 'inspection id')
    .option('--scanner <code>', 'scanner code')
    .option('--assignee <name>', 'inspector or team')
    .action((id: string, opts: { scanner?: string; assignee?: string }) =>
      withDatabase(async ({ database }) => {
        const done = await new InspectionService(database.db).assign(
          cliActor(),
          inspectionId(id),
          parseFields(assignInputSchema, opts),
        );
        process.stdout.write(`${inspectionLine(done)}\n`);
      }),
    );
  inspection
    .command('start')
    .description('start an assigned inspection')
    .argument('<id>', 'inspection id')
    .action((id: string) =>
      withDatabase(async ({ database }) => {
        const done = await new InspectionService(database.db).start(cliActor(), inspectionId(id));
        process.stdout.write(`${inspectionLine(done)}\n`);
      }),
    );
  inspection
    .command('complete')
    .description('complete an inspection: clear, or anomaly with where in the container')
    .argument('<id>', 'inspection id')
    .requiredOption('--verdict <verdict>', 'clear or anomaly')
    .option('--region <where>', 'where in the container the anomaly is (required for an anomaly)')
    .option('--notes <text>', 'notes')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { verdict: string; region?: string; notes?: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const input = parseFields(
          completeInputSchema,
          {
            verdict: opts.verdict,
            ...(opts.region === undefined ? {} : { anomalyRegion: opts.region }),
            ...(opts.notes === undefined ? {} : { notes: opts.notes }),
          },
          { anomalyRegion: '--region', verdict: '--verdict' },
        );
        const done = await new InspectionService(database.db).complete(cliActor(), inspectionId(id), input);
        if (opts.json) return printJson(done);
        process.stdout.write(`${inspectionLine(done.inspection)}\n`);
        if (done.referral)
          process.stdout.write(
            `referred to physical inspection ${done.referral.physicalInspectionId ?? '-'}${done.referral.queued ? ' (queued)' : ' (already required)'}\n`,
          );
        if (done.hold) process.stdout.write(`hold ${done.hold.id}: ${settled(done.hold)}\n`);
      }),
    );
  inspection
    .command('attach')
    .description('attach a file (scan image, WCO UFF file, PDF document, photo) to an inspection')
    .argument('<id>', 'inspection id')
    .argument('<file>', 'the file')
    .requiredOption('--kind <kind>', 'scan_image, uff, document or photo')
    .option('--json', 'print as JSON')
    .action((id: string, file: string, opts: { kind: string; json?: boolean }) =>
      withDatabase(async ({ database, config }) => {
        if (!fs.existsSync(file))
          throw errors.validation(`cannot read ${file}: no such file`, { field: 'file', value: file });
        const size = fs.statSync(file).size;
        if (size > config.attachmentMaxBytes)
          throw errors.validation(
            `${file} is ${size} bytes, above the attachment limit of ${config.attachmentMaxBytes} (TANDEM_ATTACHMENT_MAX_BYTES)`,
          );
        const query = parseFields(attachmentQuerySchema, { kind: opts.kind, fileName: path.basename(file) });
        const done = await new AttachmentService(database.db).addToInspection(cliActor(), inspectionId(id), {
          kind: query.kind,
          fileName: query.fileName,
          bytes: fs.readFileSync(file),
        });
        if (opts.json) return printJson(done);
        const a = done.attachment;
        process.stdout.write(
          `${done.duplicate ? 'already attached' : 'attached'}: attachment ${a.id} ${a.kind} ${a.mediaType} ${a.byteSize} bytes sha256 ${a.sha256}\n`,
        );
      }),
    );
  inspection
    .command('reading')
    .description('record a detection reading on a physical inspection (a laboratory result may confirm one)')
    .argument('<id>', 'inspection id')
    .requiredOption('--device <type>', 'ion_mobility_spectrometry, raman, colour_test or laboratory')
    .requiredOption('--result <result>', 'positive, negative or inconclusive')
    .option('--device-id <id>', 'the instrument')
    .option('--substance <name>', 'substance found (required when positive)')
    .option('--confidence <0..1>', 'confidence of the reading')
    .option('--sample <id>', 'sample id (required for a laboratory reading)')
    .option('--confirms <readingId>', 'the field reading of the same sample this laboratory result confirms')
    .option('--notes <text>', 'notes')
    .option('--json', 'print as JSON')
    .action(
      (
        id: string,
        opts: {
          device: string;
          result: string;
          deviceId?: string;
          substance?: string;
          confidence?: string;
          sample?: string;
          confirms?: string;
          notes?: string;
          json?: boolean;
        },
      ) =>
        withDatabase(async ({ database }) => {
          const input = parseFields(
            readingInputSchema,
            {
              deviceType: opts.device,
              result: opts.result,
              deviceId: opts.deviceId,
              substance: opts.substance,
              confidence: numberOption('confidence', opts.confidence),
              sampleId: opts.sample,
              confirmsReadingId: numberOption('confirms', opts.confirms),
              notes: opts.notes,
            },
            {
              deviceType: '--device',
              result: '--result',
              deviceId: '--device-id',
              substance: '--substance',
              confidence: '--confidence',
              sampleId: '--sample',
              confirmsReadingId: '--confirms',
              notes: '--notes',
            },
          );
          const reading = await new ReadingService(database.db).record(cliActor(), inspectionId(id), input);
          if (opts.json) return printJson(reading);
          process.stdout.write(
            `reading ${reading.id}: ${reading.deviceType} ${reading.result}${reading.substance ? ` ${reading.substance}` : ''}${reading.confirmsReadingId ? ` (confirms reading ${reading.confirmsReadingId})` : ''}\n`,
          );
        }),
    );
}
