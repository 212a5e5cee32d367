/** `tandem model train|evaluate|promote|list`: the risk model lifecycle. */
import type { Command } from 'commander';
import { isTandemError } from '../errors.ts';
import { listModels } from '../risk/model.repo.ts';
import { evaluateModel, promoteModel, trainModel } from '../risk/model.service.ts';
import { cliActor, progress, progressDone, withDatabase } from './context.ts';

const isoDate = (flag: string, v: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
    throw new Error(`${flag} ${v}: expected a date YYYY-MM-DD`);
  return v;
};
const version = (v: string): number => {
  const n = Number(v.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`model version ${v}: expected a number such as 3 (see "tandem model list")`);
  return n;
};
const f4 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));

export function registerModelCommands(program: Command): void {
  const model = program
    .command('model')
    .description('risk models: train on inspection outcomes, evaluate, promote, list');
  model
    .command('train')
    .description('train a candidate model on the inspection outcomes of a period (end exclusive)')
    .requiredOption('--from <date>', 'first day of outcomes, YYYY-MM-DD')
    .requiredOption('--to <date>', 'day after the last day of outcomes, YYYY-MM-DD')
    .option('--actor <name>', 'who is recorded in the audit log (default: cli:<your user name>)')
    .option('--json', 'print the result as JSON')
    .action((opts: { from: string; to: string; actor?: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const result = await trainModel(database.db, {
          from: isoDate('--from', opts.from),
          to: isoDate('--to', opts.to),
          actor: opts.actor ?? cliActor(),
          onProgress: progress,
        });
        progressDone();
        if (opts.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
        process.stdout.write(
          `model v${result.version} trained on ${result.rows} inspected containers (${result.hits} hits), ${result.trees} trees, ` +
            `${result.seconds.toFixed(1)} s; holdout: ${result.holdout.rows} rows, ${result.holdout.hits} hits, ` +
            `log-loss ${f4(result.holdout.logLoss)}, ROC AUC ${f4(result.holdout.auc)}\n` +
            `promote it with: tandem model promote ${result.version}\n`,
        );
      }),
    );
  model
    .command('evaluate')
    .description("a model's figures on the inspection outcomes of a period (end exclusive)")
    .argument('<version>', 'model version')
    .requiredOption('--from <date>', 'YYYY-MM-DD')
    .requiredOption('--to <date>', 'YYYY-MM-DD')
    .option('--json', 'print the result as JSON')
    .action((v: string, opts: { from: string; to: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const e = await evaluateModel(
          database.db,
          version(v),
          isoDate('--from', opts.from),
          isoDate('--to', opts.to),
        );
        if (opts.json) return void process.stdout.write(`${JSON.stringify(e)}\n`);
        const m = e.metrics;
        process.stdout.write(
          `model v${e.version} on ${e.from}..${e.to}: ${m.rows} inspected containers, ${m.hits} hits, ` +
            `log-loss ${f4(m.logLoss)}, ROC AUC ${f4(m.auc)}, hits in the top 5 % ${m.hitsAtTop5}\n`,
        );
      }),
    );
  model
    .command('promote')
    .description(
      'make a model the champion, if it is not worse than the current one on its time-based holdout',
    )
    .argument('<version>', 'model version')
    .option('--force', 'promote even when worse (needs --reason)')
    .option('--reason <text>', 'why a worse model is promoted (kept in the audit log)')
    .option('--actor <name>', 'who is recorded in the audit log (default: cli:<your user name>)')
    .action((v: string, opts: { force?: boolean; reason?: string; actor?: string }) =>
      withDatabase(async ({ database }) => {
        if (opts.force && !opts.reason) throw new Error('--force needs --reason "why"');
        try {
          const r = await promoteModel(database.db, version(v), opts.actor ?? cliActor(), {
            ...(opts.force ? { force: true } : {}),
            ...(opts.reason ? { reason: opts.reason } : {}),
          });
          process.stdout.write(
            `model v${r.version} is the champion${r.previousChampion ? ` (v${r.previousChampion} retired)` : ''}: ${r.reasons.join('; ')}\n`,
          );
        } catch (e) {
          if (isTandemError(e) && e.code === 'conflict') {
            process.stderr.write(`tandem: promotion refused: ${e.message}\n`);
            process.exitCode = 1;
            return;
          }
          throw e;
        }
      }),
    );
  model
    .command('list')
    .description('model versions, newest first')
    .option('--json', 'print as JSON lines')
    .action((opts: { json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const models = await listModels(database.db);
        // JSON lines stay JSON lines: no models is no output (the sentence is for people).
        if (models.length === 0 && !opts.json)
          process.stdout.write('no model yet; train one with "tandem model train --from --to"\n');
        for (const m of models) {
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(m)}\n`);
            continue;
          }
          const h = m.metrics.holdout as { logLoss?: number; auc?: number } | undefined;
          process.stdout.write(
            `v${m.version}  ${m.status.padEnd(9)}  trained on ${m.trainingFrom}..${m.trainingTo}  ` +
              `${String(m.metrics.rows ?? '?')} rows, ${String(m.metrics.hits ?? '?')} hits  ` +
              `holdout log-loss ${f4(h?.logLoss ?? Number.NaN)}, AUC ${f4(h?.auc ?? Number.NaN)}  by ${m.createdBy} ${m.createdAt.toISOString()}\n`,
          );
        }
      }),
    );
}
