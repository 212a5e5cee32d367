/**
 * `tandem mo ...`: modus-operandi reports from the command line: create (with photos), list,
 * show, withdraw. Shared with partners under the sharing policy like alerts.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { errors } from '../errors.ts';
import {
  checkMoPhoto,
  checkPhotoLimits,
  type MoChange,
  type MoReport,
  MoReportService,
  moContentSchema,
} from '../intel/mo-reports.ts';
import {
  type CommandContext,
  cliActor,
  collect,
  parseFields,
  positiveId,
  printJson,
  withDatabase,
} from './context.ts';

function reportsOf({ database, config }: CommandContext): MoReportService {
  return new MoReportService(database.db, config.agency.code);
}

const reportId = (id: string): number => positiveId(id, 'a report');

function printChange(change: MoChange, json: boolean | undefined): void {
  if (json) {
    printJson(change);
    return;
  }
  const r = change.report;
  process.stdout.write(
    `mo report ${r.id} v${r.version} ${r.status} TLP:${r.tlp} "${r.title}" (${r.photos.length} ${r.photos.length === 1 ? 'photo' : 'photos'})\n`,
  );
  for (const s of change.sharing) process.stdout.write(`  ${s.partner}: ${s.queued} (${s.reason})\n`);
}

function reportLine(r: MoReport): string {
  return `${r.id}\t${r.local ? 'local' : r.originAgency}\tv${r.version}\t${r.status}\tTLP:${r.tlp}\t${r.concealmentMethod}\t${r.title}`;
}

interface CreateOptions {
  title: string;
  concealment: string;
  indicator: string[];
  containerType: string[];
  origin: string[];
  description?: string;
  reliability: string;
  credibility: string;
  tlp: string;
  recipient: string[];
  photo: string[];
  json?: boolean;
}

export function registerMoCommands(program: Command): void {
  const mo = program
    .command('mo')
    .description('modus-operandi reports (concealment methods, indicators, photos) shared with partners');
  mo.command('create')
    .description('create a report, then add its photos; prints what was queued for each partner')
    .requiredOption('--title <title>', 'one line')
    .requiredOption(
      '--concealment <method>',
      'rip_on_rip_off, reefer_unit, container_structure, cover_load, dissolved_impregnated or other',
    )
    .option('--indicator <text>', 'what gave it away (repeatable)', collect, [])
    .option('--container-type <code>', 'ISO 6346 size-type code, e.g. 45R1 (repeatable)', collect, [])
    .option('--origin <code>', 'country (EC) or UN/LOCODE (ECGYE) (repeatable)', collect, [])
    .option('--description <text>', 'how it was done and found')
    .requiredOption('--reliability <A-F>', 'source reliability')
    .requiredOption('--credibility <1-6>', 'information credibility')
    .requiredOption('--tlp <marking>', 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED')
    .option('--recipient <code>', 'partner allowed to receive a TLP:RED report (repeatable)', collect, [])
    .option('--photo <file>', 'JPEG, PNG or TIFF photo, at most 1 MiB (repeatable, at most 4)', collect, [])
    .option('--json', 'print as JSON')
    .action((opts: CreateOptions) =>
      withDatabase(async (ctx) => {
        const content = parseFields(moContentSchema, {
          title: opts.title,
          concealmentMethod: opts.concealment,
          indicators: opts.indicator,
          containerTypes: opts.containerType,
          origins: opts.origin,
          description: opts.description ?? '',
          sourceReliability: opts.reliability.toUpperCase(),
          infoCredibility: Number(opts.credibility),
          tlp: opts.tlp.toUpperCase(),
          recipients: opts.recipient,
        });
        // Read and check every photo first, so a missing or unfit file stops the command before
        // anything is saved (or shared).
        const photos = opts.photo.map((file) => {
          try {
            const bytes = fs.readFileSync(file);
            checkMoPhoto(bytes);
            return { file, bytes };
          } catch (e) {
            throw errors.validation(`--photo ${file}: ${e instanceof Error ? e.message : String(e)}`);
          }
        });
        checkPhotoLimits(photos.map((p) => ({ byteSize: p.bytes.length })));
        const reports = reportsOf(ctx);
        let change = await reports.create(cliActor(), content);
        for (const [i, p] of photos.entries()) {
          process.stderr.write(`adding photo ${i + 1}/${photos.length}: ${p.file}\n`);
          change = await reports.addPhoto(cliActor(), change.report.id, p.bytes, null);
        }
        printChange(change, opts.json);
      }),
    );
  mo.command('list')
    .description('list reports, newest first')
    .option('--status <status>', 'active or withdrawn')
    .option('--origin <origin>', 'local or partner')
    .option('--json', 'print as JSON')
    .action((opts: { status?: string; origin?: string; json?: boolean }) =>
      withDatabase(async (ctx) => {
        const status = opts.status === 'active' || opts.status === 'withdrawn' ? opts.status : undefined;
        const origin = opts.origin === 'local' || opts.origin === 'partner' ? opts.origin : undefined;
        const list = await reportsOf(ctx).list({ status, origin, limit: 500 });
        if (opts.json) return printJson(list);
        for (const r of list) process.stdout.write(`${reportLine(r)}\n`);
      }),
    );
  mo.command('show')
    .description('one report with its photos (hashes)')
    .argument('<id>', 'report id')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const r = await reportsOf(ctx).get(reportId(id));
        if (opts.json) return printJson(r);
        process.stdout.write(`${reportLine(r)}\n`);
        process.stdout.write(`  grading ${r.sourceReliability}${r.infoCredibility}\n`);
        if (r.containerTypes.length)
          process.stdout.write(`  container types: ${r.containerTypes.join(', ')}\n`);
        if (r.origins.length) process.stdout.write(`  origins: ${r.origins.join(', ')}\n`);
        for (const i of r.indicators) process.stdout.write(`  indicator: ${i}\n`);
        if (r.description) process.stdout.write(`  ${r.description}\n`);
        for (const p of r.photos)
          process.stdout.write(
            `  photo ${p.position}: ${p.mediaType} ${p.byteSize} bytes sha256 ${p.sha256}\n`,
          );
      }),
    );
  mo.command('withdraw')
    .description('withdraw a report; partners that received it are told')
    .argument('<id>', 'report id')
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { reason?: string; json?: boolean }) =>
      withDatabase(async (ctx) =>
        printChange(await reportsOf(ctx).withdraw(cliActor(), reportId(id), opts.reason), opts.json),
      ),
    );
}
