/**
 * `tandem alert ...`: intelligence alerts from the command line: create, change, withdraw,
 * approve a held share, list, and the correlation hits of partner alerts.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { errors } from '../errors.ts';
import { type Alert, alertContentSchema, alertPatchSchema } from '../intel/alert.ts';
import { type AlertChange, AlertService } from '../intel/alerts.service.ts';
import {
  type CommandContext,
  cliActor,
  collect,
  parseFields,
  positiveId,
  printJson,
  withDatabase,
} from './context.ts';

function alertsOf({ database, config }: CommandContext): AlertService {
  return new AlertService(database.db, config.agency.code);
}

const alertId = (id: string): number => positiveId(id, 'an alert');

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw errors.validation(`--file ${file}: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
}

interface AlertOptions {
  file?: string;
  subject?: string;
  title?: string;
  description?: string;
  action?: string;
  reliability?: string;
  credibility?: string;
  tlp?: string;
  recipient: string[];
  validUntil?: string;
  container: string[];
  document: string[];
  seal: string[];
  imo: string[];
  party: string[];
  json?: boolean;
}

/** The alert fields given on the command line (a --file JSON object, overridden by options). */
function fieldsOf(opts: AlertOptions): Record<string, unknown> {
  const base = opts.file ? readJsonFile(opts.file) : {};
  const fields: Record<string, unknown> = typeof base === 'object' && base !== null ? { ...base } : {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) fields[key] = value;
  };
  set('subject', opts.subject);
  set('title', opts.title);
  set('description', opts.description);
  set('recommendedAction', opts.action);
  set('sourceReliability', opts.reliability?.toUpperCase());
  set('infoCredibility', opts.credibility === undefined ? undefined : Number(opts.credibility));
  set('tlp', opts.tlp?.toUpperCase());
  set('validUntil', opts.validUntil);
  if (opts.recipient.length > 0) fields.recipients = opts.recipient;
  const ids = [opts.container, opts.document, opts.seal, opts.imo, opts.party].some((l) => l.length > 0);
  if (ids) {
    fields.identifiers = {
      containerNumbers: opts.container,
      transportDocumentNumbers: opts.document,
      sealNumbers: opts.seal,
      imoNumbers: opts.imo,
      parties: opts.party.map((name) => ({ name, identifiers: {} })),
    };
  }
  return fields;
}

function withAlertOptions(cmd: Command): Command {
  return cmd
    .option('--file <json>', 'read the alert fields from a JSON file (options override it)')
    .option('--subject <subject>', 'container, movement, party or vessel')
    .option('--title <title>', 'one line')
    .option('--description <text>', 'what is suspected and why')
    .option('--action <action>', 'recommended action: scan_on_arrival, monitor or hold')
    .option('--reliability <A-F>', 'source reliability')
    .option('--credibility <1-6>', 'information credibility')
    .option('--tlp <marking>', 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED')
    .option('--recipient <code>', 'partner allowed to receive a TLP:RED alert (repeatable)', collect, [])
    .option('--valid-until <date>', 'end of validity: a day (valid through that day) or an ISO date-time')
    .option('--container <number>', 'container number (repeatable)', collect, [])
    .option('--document <number>', 'transport document number (repeatable)', collect, [])
    .option('--seal <number>', 'seal number (repeatable)', collect, [])
    .option('--imo <number>', 'vessel IMO number (repeatable)', collect, [])
    .option('--party <name>', 'party name (repeatable; personal data)', collect, [])
    .option('--json', 'print as JSON');
}

function printChange(change: AlertChange, json: boolean | undefined): void {
  if (json) {
    printJson(change);
    return;
  }
  const a = change.alert;
  process.stdout.write(`alert ${a.id} v${a.version} ${a.status} TLP:${a.tlp} "${a.title}"\n`);
  for (const s of change.sharing)
    process.stdout.write(
      `  ${s.partner}: ${s.queued} (${s.reason}${s.redactions.length ? `; removed ${s.redactions.join(', ')}` : ''})\n`,
    );
}

function alertLine(a: Alert): string {
  return `${a.id}\t${a.local ? 'local' : a.originAgency}\tv${a.version}\t${a.status}\tTLP:${a.tlp}\t${a.recommendedAction}\t${a.title}`;
}

export function registerAlertCommands(program: Command): void {
  const alert = program
    .command('alert')
    .description('intelligence alerts shared with partners under the sharing policy');
  withAlertOptions(
    alert.command('create').description('create an alert; prints what was queued for each partner'),
  ).action((opts: AlertOptions) =>
    withDatabase(async (ctx) =>
      printChange(
        await alertsOf(ctx).create(cliActor(), parseFields(alertContentSchema, fieldsOf(opts))),
        opts.json,
      ),
    ),
  );
  withAlertOptions(
    alert
      .command('update')
      .description('change an alert (a new version, shared again)')
      .argument('<id>', 'alert id'),
  ).action((id: string, opts: AlertOptions) =>
    withDatabase(async (ctx) =>
      printChange(
        await alertsOf(ctx).update(cliActor(), alertId(id), parseFields(alertPatchSchema, fieldsOf(opts))),
        opts.json,
      ),
    ),
  );
  alert
    .command('withdraw')
    .description('withdraw an alert; partners that received it are told')
    .argument('<id>', 'alert id')
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { reason?: string; json?: boolean }) =>
      withDatabase(async (ctx) =>
        printChange(await alertsOf(ctx).withdraw(cliActor(), alertId(id), opts.reason), opts.json),
      ),
    );
  alert
    .command('approve')
    .description('approve the shares held for four-eyes approval (not by the author)')
    .argument('<id>', 'alert id')
    .action((id: string) =>
      withDatabase(async (ctx) => {
        const r = await alertsOf(ctx).approve(cliActor(), alertId(id));
        process.stdout.write(`alert ${r.alert.id}: released to ${r.released.join(', ')}\n`);
      }),
    );
  alert
    .command('list')
    .description('list alerts, newest first')
    .option('--status <status>', 'active or withdrawn')
    .option('--origin <origin>', 'local or partner')
    .option('--json', 'print as JSON')
    .action((opts: { status?: string; origin?: string; json?: boolean }) =>
      withDatabase(async (ctx) => {
        const status = opts.status === 'active' || opts.status === 'withdrawn' ? opts.status : undefined;
        const origin = opts.origin === 'local' || opts.origin === 'partner' ? opts.origin : undefined;
        const list = await alertsOf(ctx).list({ status, origin, limit: 500 });
        if (opts.json) return printJson(list);
        for (const a of list) process.stdout.write(`${alertLine(a)}\n`);
      }),
    );
  alert
    .command('hits')
    .description('correlation hits of partner alerts on local cargo')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const hits = await alertsOf(ctx).hits({ limit: 500 });
        if (opts.json) return printJson(hits);
        for (const h of hits)
          process.stdout.write(
            `${h.createdAt}\t${h.originAgency}\t${h.recommendedAction}\t${h.entityType}:${h.entityId}\t${h.identifierKind}=${h.identifierValue}\t${h.alertTitle}\n`,
          );
      }),
    );
}
