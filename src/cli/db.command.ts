import type { Command } from 'commander';
import { migrate, migrationStatus } from '../db/index.ts';
import { withDatabase } from './context.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database migrations and status');
  db.command('migrate')
    .description('apply pending migrations to the configured database (embedded unless DATABASE_URL is set)')
    .action(() =>
      withDatabase(
        async ({ database }) => {
          const applied = await migrate(database, (m) =>
            process.stdout.write(`applying ${m.version}_${m.name}\n`),
          );
          process.stdout.write(
            applied.length === 0
              ? `${database.kind} database at ${database.location} is up to date\n`
              : `applied ${applied.length} migration(s) to the ${database.kind} database at ${database.location}\n`,
          );
        },
        { migrate: false },
      ),
    );
  db.command('status')
    .description('list migrations and whether each is applied')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(
        async ({ database }) => {
          const status = await migrationStatus(database);
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({ kind: database.kind, location: database.location, migrations: status })}\n`,
            );
            return;
          }
          process.stdout.write(`${database.kind} database at ${database.location}\n`);
          const width = Math.max(0, ...status.map((s) => s.name.length));
          for (const s of status) {
            const state = s.appliedAt ? `applied ${s.appliedAt.toISOString()}` : 'pending';
            process.stdout.write(
              `  ${s.version} ${s.name.padEnd(width)} ${state}${s.modified ? '  (file changed since applied!)' : ''}\n`,
            );
          }
        },
        { migrate: false },
      ),
    );
}
