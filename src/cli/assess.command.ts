/** `tandem assess` re-runs assessment and selection of a port-day; `tandem capacity` sets scanner capacities. */
import type { Command } from 'commander';
import { z } from 'zod';
import { writeAudit } from '../db/index.ts';
import { errors } from '../errors.ts';
import { listScannerCapacities, setScannerCapacity } from '../risk/assessment.repo.ts';
import { assessPortDay } from '../risk/assessment.service.ts';
import { cliActor, withDatabase } from './context.ts';

const LOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;

function port(v: string): string {
  const p = v.toUpperCase();
  if (!LOCODE.test(p)) throw new Error(`port ${v}: expected a UN/LOCODE such as BEANR`);
  return p;
}

export function registerAssessCommands(program: Command): void {
  program
    .command('assess')
    .description("re-assess the containers arriving at a port on a day and re-run that day's selection")
    .requiredOption('--port <locode>', 'UN/LOCODE, e.g. BEANR')
    .requiredOption('--date <date>', 'arrival day, YYYY-MM-DD')
    .option('--exploration <share>', 'share of the capacity drawn at random for learning', '0.05')
    .option('--json', 'print the summary as JSON')
    .action((opts: { port: string; date: string; exploration: string; json?: boolean }) =>
      withDatabase(async ({ database, config }) => {
        const at = port(opts.port);
        // Selection holds boxes, which this customs service does only at its own ports.
        if (!config.agency.ports.includes(at))
          throw errors.validation(
            `${at} is not one of this customs service's ports (${config.agency.ports.join(', ')}; TANDEM_PORTS)`,
            { field: 'port', value: at },
          );
        if (!z.iso.date().safeParse(opts.date).success)
          throw errors.validation(`--date ${opts.date}: expected a day YYYY-MM-DD that exists`, {
            field: 'date',
            value: opts.date,
          });
        const share = Number(opts.exploration);
        if (!(share >= 0 && share <= 1))
          throw new Error(`--exploration ${opts.exploration}: expected a share between 0 and 1`);
        const s = await assessPortDay(database.db, at, opts.date, { explorationShare: share });
        if (opts.json) return void process.stdout.write(`${JSON.stringify(s)}\n`);
        process.stdout.write(`${s.assessed} containers assessed\n`);
        for (const d of s.portDays) {
          const x = d.selection;
          process.stdout.write(
            `${d.port} ${d.date}: ${x.selected} of ${x.candidates} selected under a capacity of ${x.capacity} ` +
              `(${x.mandatory} mandatory, ${x.exploration} at random)` +
              (x.overCapacity > 0
                ? `; WARNING: ${x.overCapacity} beyond the capacity (mandatory hits, and boxes held by earlier runs of the day)`
                : '') +
              '\n',
          );
        }
        if (s.portDays.every((d) => d.selection.capacity === 0)) {
          process.stdout.write(
            `no scanner capacity is set for ${port(opts.port)}: set it with "tandem capacity set ${port(opts.port)} 120"\n`,
          );
        }
      }),
    );

  const capacity = program
    .command('capacity')
    .description('scanner capacity of each port, in containers a day');
  capacity
    .command('set')
    .description('set the capacity of a port (applies to the next selection runs)')
    .argument('<port>', 'UN/LOCODE, e.g. BEANR')
    .argument('<containersPerDay>', 'containers the scanners can take a day')
    .option('--actor <name>', 'who is recorded in the audit log (default: cli:<your user name>)')
    .action((p: string, n: string, opts: { actor?: string }) =>
      withDatabase(async ({ database }) => {
        const value = Number(n);
        if (!Number.isInteger(value) || value < 0)
          throw new Error(`capacity ${n}: expected a whole number of containers ≥ 0`);
        const locode = port(p);
        await database.db.transaction().execute(async (trx) => {
          await setScannerCapacity(trx, locode, value, opts.actor ?? cliActor());
          await writeAudit(trx, {
            actor: opts.actor ?? cliActor(),
            action: 'capacity.set',
            entityType: 'scanner_capacity',
            entityId: locode,
            details: { containersPerDay: value },
          });
        });
        process.stdout.write(`${locode}: ${value} containers a day\n`);
      }),
    );
  capacity
    .command('list')
    .description('the configured capacities')
    .action(() =>
      withDatabase(async ({ database }) => {
        const rows = await listScannerCapacities(database.db);
        if (rows.length === 0) process.stdout.write('no capacity set; use "tandem capacity set BEANR 120"\n');
        for (const r of rows)
          process.stdout.write(
            `${r.port_locode}  ${r.containers_per_day} a day  (set by ${r.updated_by}, ${r.updated_at.toISOString()})\n`,
          );
      }),
    );
}
