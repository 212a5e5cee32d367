/**
 * `tandem hold ...`, `tandem gate check` and `tandem breach ...`: the barrier from the command
 * line. `gate check` shows what the release gate would answer without being logged as a
 * terminal's question.
 */
import type { Command } from 'commander';
import type { HoldStatus } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';
import { BreachService, HoldsService, ReleaseGate } from '../inspection/index.ts';
import {
  type CommandContext,
  cliActor,
  positiveCount,
  positiveId,
  printJson,
  withDatabase,
} from './context.ts';

const HOLD_STATUSES: readonly HoldStatus[] = ['active', 'released', 'overridden'];

function holdsOf({ database, config }: CommandContext): HoldsService {
  return new HoldsService(database.db, config.agency.ports);
}

function statusOf(value: string | undefined): HoldStatus | undefined {
  if (value === undefined) return undefined;
  const status = HOLD_STATUSES.find((s) => s === value);
  if (!status)
    throw errors.validation(`--status ${value}: expected one of ${HOLD_STATUSES.join(', ')}`, {
      field: 'status',
      value,
    });
  return status;
}

const at = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

export function registerHoldCommands(program: Command): void {
  const hold = program.command('hold').description('holds on containers (the technical barrier)');
  hold
    .command('list')
    .description('list holds, newest first')
    .option('--port <locode>', 'only this port')
    .option('--status <status>', `only this status: ${HOLD_STATUSES.join(', ')}`)
    .option('--container <number>', 'only this container')
    .option('--limit <n>', 'at most this many (1-500)', '50')
    .option('--json', 'print as JSON')
    .action((opts: { port?: string; status?: string; container?: string; limit: string; json?: boolean }) =>
      withDatabase(async (ctx) => {
        const { items } = await holdsOf(ctx).list({
          port: opts.port?.toUpperCase(),
          status: statusOf(opts.status),
          container: opts.container,
          limit: positiveCount(opts.limit, '--limit', 500),
        });
        if (opts.json) return printJson(items);
        if (items.length === 0) return void process.stdout.write('no holds\n');
        for (const h of items) {
          process.stdout.write(
            `${String(h.id).padStart(6)}  ${h.containerNumber}  ${h.port}  ${h.status.padEnd(10)} ${h.required.join('+').padEnd(13)} ${h.source.padEnd(9)} placed ${at(h.placedAt)}${h.releasedAt ? `  lifted ${at(h.releasedAt)} by ${h.releasedBy}` : ''}\n`,
          );
        }
      }),
    );
  hold
    .command('show')
    .description(
      'one hold with its inspections, their findings, overrides, recent gate questions and breaches',
    )
    .argument('<id>', 'hold id')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const h = await holdsOf(ctx).show(positiveId(id, 'a hold'));
        if (opts.json) return printJson(h);
        const out = [
          `hold ${h.id}: container ${h.containerNumber} at ${h.port}, ${h.status}`,
          `  required     ${h.required.join(', ')}`,
          `  source       ${h.source}${h.selectionReason ? ` (${h.selectionReason}, probability ${h.selectionProbability})` : ''}`,
          `  reason       ${h.reason}`,
          `  placed       ${at(h.placedAt)} by ${h.placedBy}`,
          `  lifted       ${h.releasedAt ? `${at(h.releasedAt)} by ${h.releasedBy}` : '-'}`,
          `  inspections  ${h.inspections.map((i) => `#${i.id} ${i.kind} ${i.status}${i.verdict ? ` (${i.verdict})` : ''}`).join('; ') || '-'}`,
          `  findings     ${h.findings.map((f) => (f.kind === 'physical_anomaly' ? `physical inspection #${f.inspectionId}: anomaly, ${f.detail}` : `reading #${f.readingId} (inspection #${f.inspectionId}): positive, ${f.detail}`)).join('; ') || '-'}`,
          `  overrides    ${h.overrides.map((o) => `#${o.id} ${o.status}, asked by ${o.requestedBy}${o.decidedBy ? `, decided by ${o.decidedBy}` : ''}: ${o.reason}`).join('; ') || '-'}`,
          `  gate         ${h.gateQueries.map((q) => `${at(q.at)} ${q.decision} (${q.caller})`).join('; ') || 'not asked since the hold was placed'}`,
          `  breaches     ${h.breaches.map((b) => `#${b.id} gate-out ${at(b.eventAt)}${b.acknowledgedAt ? ' (acknowledged)' : ' (OPEN)'}`).join('; ') || '-'}`,
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      }),
    );
  hold
    .command('place')
    .description('place a manual hold; the gate answers HOLD until the inspections are complete')
    .argument('<container>', 'container number (ISO 6346, check digit verified)')
    .requiredOption(
      '--reason <text>',
      'why the container is held (kept for officers; never shown to terminals)',
    )
    .option('--port <locode>', "the port (default: this service's first port, TANDEM_PORTS)")
    .option('--physical', 'require a physical inspection besides the scan')
    .option('--json', 'print as JSON')
    .action(
      (container: string, opts: { reason: string; port?: string; physical?: boolean; json?: boolean }) =>
        withDatabase(async (ctx) => {
          const placed = await holdsOf(ctx).place(cliActor(), {
            containerNumber: container,
            port: (opts.port ?? ctx.config.agency.ports[0] ?? '').toUpperCase(),
            required: opts.physical ? ['scan', 'physical'] : ['scan'],
            reason: opts.reason,
          });
          if (opts.json) return printJson(placed);
          process.stdout.write(
            `hold ${placed.id} placed on ${placed.containerNumber} at ${placed.port}; required: ${placed.required.join(', ')}\n`,
          );
        }),
    );

  hold
    .command('require-physical')
    .description('add a physical inspection to an active hold that requires only the scan')
    .argument('<id>', 'hold id')
    .requiredOption('--reason <text>', 'why the container must be opened (kept for officers)')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { reason: string; json?: boolean }) =>
      withDatabase(async (ctx) => {
        const updated = await holdsOf(ctx).requirePhysical(cliActor(), positiveId(id, 'a hold'), opts.reason);
        if (opts.json) return printJson(updated);
        process.stdout.write(
          `hold ${updated.id} on ${updated.containerNumber}: required ${updated.required.join(', ')}; the physical inspection is queued\n`,
        );
      }),
    );

  const gate = program.command('gate').description('the release gate that terminal systems ask');
  gate
    .command('check')
    .description(
      "what the release gate would answer for a container now (not logged as a terminal's question)",
    )
    .argument('<container>', 'container number')
    .option('--json', 'print as JSON')
    .action((container: string, opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const answer = await new ReleaseGate(ctx.database.db).check(container);
        if (opts.json) return printJson(answer);
        process.stdout.write(
          `${answer.containerNumber}: ${answer.decision} (${answer.reasons.join(', ')})${answer.holdId ? `, hold ${answer.holdId}` : ''}\n`,
        );
      }),
    );

  const breach = program.command('breach').description('barrier breaches: gate-outs of held containers');
  breach
    .command('list')
    .description('list barrier breaches, newest first')
    .option('--open', 'only those not yet acknowledged')
    .option('--port <locode>', 'only this port')
    .option('--limit <n>', 'at most this many (1-500)', '50')
    .option('--json', 'print as JSON')
    .action((opts: { open?: boolean; port?: string; limit: string; json?: boolean }) =>
      withDatabase(async (ctx) => {
        const { items } = await new BreachService(ctx.database.db).list({
          port: opts.port?.toUpperCase(),
          acknowledged: opts.open ? false : undefined,
          limit: positiveCount(opts.limit, '--limit', 500),
        });
        if (opts.json) return printJson(items);
        if (items.length === 0)
          return void process.stdout.write(opts.open ? 'no open breaches\n' : 'no breaches\n');
        for (const b of items) {
          process.stdout.write(
            `${String(b.id).padStart(6)}  ${b.containerNumber}  ${b.port}  hold ${b.holdId}  gate-out ${at(b.eventAt)}  ${b.acknowledgedAt ? `acknowledged by ${b.acknowledgedBy}: ${b.note}` : 'OPEN'}\n`,
          );
        }
      }),
    );
  breach
    .command('acknowledge')
    .description('acknowledge a barrier breach with a note on what was done')
    .argument('<id>', 'breach id')
    .requiredOption('--note <text>', 'what was done (e.g. "truck stopped at the port exit; box returned")')
    .action((id: string, opts: { note: string }) =>
      withDatabase(async (ctx) => {
        const b = await new BreachService(ctx.database.db).acknowledge(
          cliActor(),
          positiveId(id, 'a breach'),
          opts.note,
        );
        process.stdout.write(`breach ${b.id} acknowledged\n`);
      }),
    );
}
