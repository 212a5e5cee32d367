/** `tandem stats seizures|inspections|barrier`: the published figures, as a table, CSV, XLSX or JSON. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Cell } from '../lib/xlsx.ts';
import {
  barrierTables,
  type ExportFormat,
  exportName,
  exportTables,
  INSPECTION_DIMENSIONS,
  inspectionTables,
  SEIZURE_DIMENSIONS,
  StatsService,
  seizureTables,
  type Table,
} from '../stats/index.ts';
import { parseFields, printJson, withDatabase } from './context.ts';

const textOf = (v: Cell): string => (v === null ? '' : v instanceof Date ? v.toISOString() : String(v));

/** A table aligned for a terminal: numbers to the right, text to the left. */
export function formatTable(table: Table | undefined): string {
  if (!table) return '';
  const width = table.header.map((h, c) =>
    Math.max(h.length, ...table.rows.map((r) => textOf(r[c] ?? null).length)),
  );
  const numeric = table.header.map(
    (_, c) => table.rows.length > 0 && table.rows.every((r) => typeof r[c] === 'number' || r[c] === null),
  );
  const line = (cells: readonly Cell[]) =>
    cells
      .map((v, c) => (numeric[c] ? textOf(v).padStart(width[c] ?? 0) : textOf(v).padEnd(width[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [line(table.header), ...table.rows.map(line)];
  if (table.rows.length === 0) lines.push('(no rows)');
  return `${lines.join('\n')}\n`;
}

type Format = 'table' | 'json' | ExportFormat;

interface StatsOptions {
  from?: string;
  to?: string;
  groupBy?: string;
  format: string;
  out?: string;
}

const options = z.object({
  from: z.iso.date('--from: expected a day YYYY-MM-DD').optional(),
  to: z.iso.date('--to: expected a day YYYY-MM-DD').optional(),
  format: z.enum(['table', 'json', 'csv', 'xlsx'], '--format: one of table, json, csv, xlsx'),
  out: z.string().min(1).optional(),
});

export function registerStatsCommands(program: Command): void {
  const stats = program
    .command('stats')
    .description(
      'statistics: seizures, inspections and hit rates, the barrier; as a table, CSV, XLSX or JSON',
    );
  const common = (c: Command) =>
    c
      .option('--from <day>', 'first day, YYYY-MM-DD (UTC, inclusive)')
      .option('--to <day>', 'last day, YYYY-MM-DD (UTC, inclusive)')
      .option('--format <format>', 'table, json, csv or xlsx', 'table')
      .option('--out <file>', 'write to this file (needed for xlsx at a terminal)');

  common(stats.command('seizures').description('seizures, net mass and packages'))
    .option('--group-by <dims>', `comma-separated: ${SEIZURE_DIMENSIONS.join(', ')}`)
    .action((opts: StatsOptions) =>
      run(opts, async (service, range) => {
        const groupBy = dimensions(opts.groupBy, SEIZURE_DIMENSIONS);
        const figures = await service.seizures(range, groupBy);
        return { json: figures, tables: seizureTables(figures), name: exportName('seizures', range) };
      }),
    );
  common(stats.command('inspections').description('holds inspected, hits and hit rate'))
    .option('--group-by <dims>', `comma-separated: ${INSPECTION_DIMENSIONS.join(', ')}`)
    .action((opts: StatsOptions) =>
      run(opts, async (service, range) => {
        const groupBy = dimensions(opts.groupBy, INSPECTION_DIMENSIONS);
        const figures = await service.inspections(range, groupBy);
        return { json: figures, tables: inspectionTables(figures), name: exportName('inspections', range) };
      }),
    );
  common(
    stats
      .command('barrier')
      .description(
        'risk containers that left without their required inspections (must be 0), and the overrides',
      ),
  ).action((opts: StatsOptions) =>
    run(opts, async (service, range) => {
      const figures = await service.barrier(range);
      const tables = barrierTables(figures);
      return { json: figures, tables: tables.sheets, csv: tables.list, name: exportName('barrier', range) };
    }),
  );
}

function dimensions<T extends string>(given: string | undefined, allowed: readonly T[]): T[] {
  if (!given) return [];
  return given.split(',').map((d) => {
    const dim = allowed.find((a) => a === d.trim());
    if (!dim) throw new Error(`--group-by ${d}: expected any of ${allowed.join(', ')}`);
    return dim;
  });
}

async function run(
  opts: StatsOptions,
  produce: (
    service: StatsService,
    range: { from?: string | undefined; to?: string | undefined },
  ) => Promise<{ json: unknown; tables: Table[]; csv?: Table; name: string }>,
): Promise<void> {
  const o = parseFields(options, opts);
  const format: Format = o.format;
  if (format === 'xlsx' && !o.out && process.stdout.isTTY)
    throw new Error('--format xlsx writes a binary file: add --out FILE (or redirect the output)');
  await withDatabase(async ({ database }) => {
    const result = await produce(new StatsService(database.db), { from: o.from, to: o.to });
    let bytes: Uint8Array | string;
    if (format === 'json') bytes = `${JSON.stringify(result.json, null, 2)}\n`;
    else if (format === 'table') bytes = result.tables.map(formatTable).join('\n');
    else bytes = exportTables(result.tables, format, result.name, result.csv ?? result.tables[0]).bytes;
    if (o.out) {
      fs.writeFileSync(o.out, bytes);
      process.stderr.write(`wrote ${o.out}\n`);
    } else if (format === 'json') printJson(result.json);
    else process.stdout.write(bytes);
  });
}
