/** `tandem scanner ...`: the scanners of each port and their capacity per hour. */
import type { Command } from 'commander';
import { errors } from '../errors.ts';
import {
  type Scanner,
  ScannerService,
  scannerInputSchema,
  scannerPatchSchema,
} from '../inspection/scanners.service.ts';
import { cliActor, parseFields, printJson, withDatabase } from './context.ts';

function capacity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw errors.validation(`--capacity ${value}: give whole boxes per hour, e.g. 6`);
  return n;
}

function scannerLine(s: Scanner): string {
  return `${s.code}\t${s.port}\t${s.capacityPerHour}/h\t${s.active ? 'active' : 'out of service'}\t${s.name}`;
}

/** The command-line option of each scanner field, for messages. */
const SCANNER_OPTIONS = { capacityPerHour: '--capacity', port: '--port', name: '--name', code: 'code' };

export function registerScannerCommands(program: Command): void {
  const scanner = program.command('scanner').description('scanners of each port and their capacity per hour');
  scanner
    .command('add')
    .description('add a scanner')
    .argument('<code>', 'scanner code, e.g. ANR-S1')
    .requiredOption('--port <locode>', 'UN/LOCODE of its port, e.g. BEANR')
    .requiredOption('--name <name>', 'a name people recognise')
    .requiredOption('--capacity <n>', 'boxes it scans an hour')
    .option('--inactive', 'add it out of service')
    .option('--json', 'print as JSON')
    .action(
      (
        code: string,
        opts: { port: string; name: string; capacity: string; inactive?: boolean; json?: boolean },
      ) =>
        withDatabase(async ({ database }) => {
          const input = parseFields(
            scannerInputSchema,
            {
              code,
              port: opts.port,
              name: opts.name,
              capacityPerHour: capacity(opts.capacity),
              active: !opts.inactive,
            },
            SCANNER_OPTIONS,
          );
          const added = await new ScannerService(database.db).add(cliActor(), input);
          if (opts.json) return printJson(added);
          process.stdout.write(`added ${scannerLine(added)}\n`);
        }),
    );
  scanner
    .command('set')
    .description('change a scanner: port, name, capacity, in or out of service')
    .argument('<code>', 'scanner code')
    .option('--port <locode>', 'UN/LOCODE of its port')
    .option('--name <name>', 'name')
    .option('--capacity <n>', 'boxes it scans an hour')
    .option('--active', 'back in service')
    .option('--inactive', 'out of service (its queue is shown, nothing new is assigned to it)')
    .option('--json', 'print as JSON')
    .action(
      (
        code: string,
        opts: {
          port?: string;
          name?: string;
          capacity?: string;
          active?: boolean;
          inactive?: boolean;
          json?: boolean;
        },
      ) =>
        withDatabase(async ({ database }) => {
          if (opts.active && opts.inactive) throw errors.validation('give --active or --inactive, not both');
          const patch = parseFields(
            scannerPatchSchema,
            {
              ...(opts.port === undefined ? {} : { port: opts.port }),
              ...(opts.name === undefined ? {} : { name: opts.name }),
              ...(opts.capacity === undefined ? {} : { capacityPerHour: capacity(opts.capacity) }),
              ...(opts.active ? { active: true } : opts.inactive ? { active: false } : {}),
            },
            SCANNER_OPTIONS,
          );
          const changed = await new ScannerService(database.db).update(cliActor(), code, patch);
          if (opts.json) return printJson(changed);
          process.stdout.write(`changed ${scannerLine(changed)}\n`);
        }),
    );
  scanner
    .command('list')
    .description('list scanners by port')
    .option('--port <locode>', 'only this port')
    .option('--json', 'print as JSON')
    .action((opts: { port?: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const list = await new ScannerService(database.db).list(opts.port?.toUpperCase());
        if (opts.json) return printJson(list);
        if (list.length === 0) process.stdout.write('no scanners yet: add one with `tandem scanner add`\n');
        for (const s of list) process.stdout.write(`${scannerLine(s)}\n`);
      }),
    );
}
