import type { Command } from 'commander';
import { type FileSummary, ingestFile } from '../ingest/ingest.service.ts';
import { getQuarantineEntry, listQuarantine } from '../ingest/quarantine.repo.ts';
import {
  cliActor,
  positiveCount,
  positiveId,
  progress,
  progressDone,
  reportCommandError,
  withDatabase,
} from './context.ts';

const mb = (n: number) => (n / 1_048_576).toFixed(1);

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest')
    .description('ingest manifests and container events from EDIFACT, CSV or JSON files (format detected)')
    .argument('<files...>', 'files to ingest')
    .option('--json', 'print the summary as one JSON object')
    .option(
      '--actor <name>',
      'who is recorded in the audit log as having ingested (default: cli:<your user name>)',
    )
    .action((files: string[], opts: { json?: boolean; actor?: string }) =>
      withDatabase(async ({ config, database }) => {
        const summaries: FileSummary[] = [];
        let failed = 0;
        for (const file of files) {
          try {
            const s = await ingestFile(database, file, {
              actor: opts.actor ?? cliActor(),
              batchSize: config.ingestBatchSize,
              onProgress: (p) =>
                progress(
                  `${p.file}: ${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB, ${p.counts.accepted} accepted, ` +
                    `${p.counts.updated} updated, ${p.counts.unchanged} unchanged, ${p.counts.quarantined} quarantined`,
                ),
            });
            progressDone();
            summaries.push(s);
            if (!opts.json) printSummary(s);
          } catch (e) {
            progressDone();
            failed++;
            reportCommandError(e);
          }
        }
        const totals = { accepted: 0, updated: 0, unchanged: 0, quarantined: 0, warnings: 0 };
        for (const s of summaries) {
          for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s[k];
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ totals, files: summaries })}\n`);
        } else if (files.length > 1) {
          process.stdout.write(
            `total: ${totals.accepted} accepted, ${totals.updated} updated, ${totals.unchanged} unchanged, ` +
              `${totals.quarantined} quarantined, ${totals.warnings} warnings` +
              (failed > 0 ? `; ${failed} file(s) could not be read` : '') +
              '\n',
          );
        }
        if (failed > 0) process.exitCode = 1;
      }),
    );

  const quarantine = program
    .command('quarantine')
    .description('records rejected by ingest, with where and why');
  quarantine
    .command('list')
    .description('list quarantined records, newest first')
    .option('--file <name>', 'only records from files whose name contains this')
    .option('--code <code>', 'only this rejection code (e.g. invalid_check_digit)')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print as JSON lines')
    .action((opts: { file?: string; code?: string; limit: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const rows = await listQuarantine(database.db, {
          file: opts.file,
          code: opts.code,
          limit: positiveCount(opts.limit, '--limit'),
        });
        // JSON lines stay JSON lines: no rows is no output (the sentence is for people).
        if (rows.length === 0 && !opts.json) process.stdout.write('quarantine is empty\n');
        for (const r of rows) {
          if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
          else
            process.stdout.write(
              `#${r.id}  ${r.file_name}  ${r.position}  ${r.field === null ? '' : `${r.field}=${JSON.stringify(r.value ?? '')}  `}${r.code}: ${r.reason}\n`,
            );
        }
      }),
    );
  quarantine
    .command('show')
    .description('show one quarantined record in full')
    .argument('<id>', 'quarantine entry id (from quarantine list)')
    .action((id: string) =>
      withDatabase(async ({ database }) => {
        const row = await getQuarantineEntry(database.db, positiveId(id, 'a quarantine entry'));
        if (!row) {
          process.stderr.write(
            `tandem: quarantine entry ${id} does not exist; run "tandem quarantine list"\n`,
          );
          process.exitCode = 1;
          return;
        }
        for (const [k, v] of Object.entries(row)) {
          process.stdout.write(`${k.padEnd(16)} ${v instanceof Date ? v.toISOString() : (v ?? '')}\n`);
        }
      }),
    );
}

function printSummary(s: FileSummary): void {
  process.stdout.write(
    `${s.file} (${s.format}, ${mb(s.bytes)} MB, ${(s.durationMs / 1000).toFixed(1)} s): ${s.accepted} accepted, ` +
      `${s.updated} updated, ${s.unchanged} unchanged, ${s.quarantined} quarantined, ${s.warnings} warnings\n`,
  );
  for (const w of s.warningSamples.slice(0, 5))
    process.stdout.write(`  warning ${w.position}: ${w.code}: ${w.message}\n`);
  if (s.warnings > 5) process.stdout.write(`  ... ${s.warnings - 5} more warnings\n`);
  if (s.quarantined > 0)
    process.stdout.write(`  see: tandem quarantine list --file ${JSON.stringify(s.file)}\n`);
}
