/**
 * `tandem operation ...`: joint operations with partner agencies from the command line: create
 * (led by this instance), list, show with live tallies.
 */
import type { Command } from 'commander';
import {
  type JointOperation,
  JointOperationService,
  operationInputSchema,
} from '../intel/joint-operations.ts';
import {
  type CommandContext,
  cliActor,
  collect,
  parseFields,
  positiveId,
  printJson,
  withDatabase,
} from './context.ts';

function operationsOf({ database, config }: CommandContext): JointOperationService {
  return new JointOperationService(database.db, config.agency.code);
}

function operationLine(o: JointOperation): string {
  return `${o.id}\t${o.local ? 'lead' : o.leadAgency}\tv${o.version}\t${o.status === 'active' && !o.adopted ? 'to adopt (tandem operation adopt)' : o.running ? 'running' : o.status}\t${o.startsAt.slice(0, 10)}..${o.endsAt.slice(0, 10)}\t${o.participants.join(',')}\t${o.name}`;
}

interface CreateOptions {
  name: string;
  description?: string;
  participant: string[];
  from: string;
  until: string;
  criteria: string;
  action: string;
  weight: string;
  container: string[];
  document: string[];
  party: string[];
  tlp: string;
  json?: boolean;
}

export function registerOperationCommands(program: Command): void {
  const operation = program
    .command('operation')
    .description('joint operations with partner agencies: a shared risk profile, targets and live tallies');
  operation
    .command('create')
    .description('create a joint operation led by this instance; participants install its risk profile')
    .requiredOption('--name <name>', 'the operation name')
    .option('--description <text>', 'what the operation is after')
    .requiredOption('--participant <code>', 'partner agency taking part (repeatable)', collect, [])
    .requiredOption('--from <date>', 'start (ISO date or time)')
    .requiredOption('--until <date>', 'end: a day (the operation runs through that day) or an ISO date-time')
    .requiredOption(
      '--criteria <cel>',
      "target criteria: a risk profile expression, e.g. origin.country == 'EC'",
    )
    .option('--action <action>', 'select (force inspection) or score', 'select')
    .option('--weight <n>', 'score weight of a hit', '100')
    .option('--container <number>', 'target container number (repeatable)', collect, [])
    .option('--document <number>', 'target transport document number (repeatable)', collect, [])
    .option('--party <name>', 'target party name (repeatable)', collect, [])
    .option('--tlp <marking>', 'CLEAR, GREEN, AMBER or RED (RED goes to the participants only)', 'AMBER')
    .option('--json', 'print as JSON')
    .action((opts: CreateOptions) =>
      withDatabase(async (ctx) => {
        const input = parseFields(operationInputSchema, {
          name: opts.name,
          description: opts.description ?? '',
          participants: opts.participant,
          startsAt: opts.from,
          endsAt: opts.until,
          profile: { expression: opts.criteria, action: opts.action, weight: Number(opts.weight) },
          targets: {
            containerNumbers: opts.container,
            transportDocumentNumbers: opts.document,
            parties: opts.party,
          },
          tlp: opts.tlp.toUpperCase(),
        });
        const r = await operationsOf(ctx).create(cliActor(), input);
        if (opts.json) return printJson(r);
        process.stdout.write(`${operationLine(r.operation)}\n`);
        for (const s of r.sharing) process.stdout.write(`  ${s.partner}: ${s.queued} (${s.reason})\n`);
      }),
    );
  operation
    .command('adopt')
    .description(
      'adopt the current version of an operation received from a partner: its profile selects here',
    )
    .argument('<id>', 'operation id')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const o = await operationsOf(ctx).adopt(cliActor(), positiveId(id, 'an operation'));
        if (opts.json) return printJson(o);
        process.stdout.write(
          `${operationLine(o)}\n  adopted: version ${o.version}, criteria ${o.profile.expression} (${o.profile.action})\n`,
        );
      }),
    );
  operation
    .command('list')
    .description('list joint operations, newest first')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const list = await operationsOf(ctx).list({ limit: 500 });
        if (opts.json) return printJson(list);
        for (const o of list) process.stdout.write(`${operationLine(o)}\n`);
      }),
    );
  operation
    .command('show')
    .description('one joint operation with each participant’s tally')
    .argument('<id>', 'operation id')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const o = await operationsOf(ctx).get(positiveId(id, 'an operation'));
        if (opts.json) return printJson(o);
        process.stdout.write(
          `${operationLine(o)}\n  criteria: ${o.profile.expression} (${o.profile.action})\n`,
        );
        const t = o.targets;
        if (t.containerNumbers.length + t.transportDocumentNumbers.length + t.parties.length > 0)
          process.stdout.write(
            `  targets: ${[...t.containerNumbers, ...t.transportDocumentNumbers, ...t.parties].join(', ')}\n`,
          );
        process.stdout.write('  agency\tselected\tinspected\tseizures\tnet kg\tupdated\n');
        for (const x of o.tallies)
          process.stdout.write(
            `  ${x.agency}\t${x.containersSelected}\t${x.containersInspected}\t${x.seizures}\t${x.netMassKg}\t${x.updatedAt}\n`,
          );
        const s = o.total;
        process.stdout.write(
          `  total\t${s.containersSelected}\t${s.containersInspected}\t${s.seizures}\t${s.netMassKg}\n`,
        );
      }),
    );
}
