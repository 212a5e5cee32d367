/**
 * What every command needs: the config, a logger, and the database opened and migrated. Errors
 * are printed as one plain sentence that says what to do, never as a stack trace.
 */

import os from 'node:os';
import { z } from 'zod';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { type Database, migrate, openDatabase } from '../db/index.ts';
import { errors, isTandemError } from '../errors.ts';
// Plain-language messages for zod's checks in the problems a command reports.
import '../lib/zod-messages.ts';

export interface CommandContext {
  config: Config;
  database: Database;
}

/** Opens the configured database, applies pending migrations, runs `fn`, closes the database. */
export async function withDatabase<T>(
  fn: (ctx: CommandContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (options.migrate !== false) await migrate(database);
    return await fn({ config, database });
  } finally {
    await database.close();
  }
}

/** Prints an error for a person at a terminal and sets a failing exit code. */
export function reportCommandError(e: unknown): void {
  // A command's input that failed a schema: one readable sentence per problem, not the issues' JSON.
  const message =
    e instanceof z.ZodError ? problemsOf(e).join('; ') : e instanceof Error ? e.message : String(e);
  process.stderr.write(`tandem: ${message}\n`);
  // TANDEM_DEBUG=1 shows where an error that Tandem did not phrase itself came from.
  const phrased = e instanceof ConfigError || isTandemError(e) || e instanceof z.ZodError;
  if (process.env.TANDEM_DEBUG && !phrased && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}

/** Writes a progress line that overwrites itself on a terminal (stderr, so --json stays clean). */
let lastProgress = 0;
let plainEveryMs: number | undefined;

export function progress(line: string): void {
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[2K${line}`);
    return;
  }
  const now = Date.now();
  // In a log file one line every two seconds is enough (TANDEM_PROGRESS_SECONDS).
  if (plainEveryMs === undefined) {
    try {
      plainEveryMs = loadConfig().progressSeconds * 1000;
    } catch {
      plainEveryMs = 2000; // the command reports the configuration problem itself
    }
  }
  if (lastProgress !== 0 && now - lastProgress < plainEveryMs) return;
  lastProgress = now;
  process.stderr.write(`${line}\n`);
}

export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
}

/** Who the audit log names for a command run at this terminal. */
export function cliActor(): string {
  return `cli:${os.userInfo().username}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * One sentence per problem of a failed parse: "days: must be a number". `options` names the
 * command-line option of a field where the two differ ({ anomalyRegion: '--region' }), so the
 * sentence names what the user typed.
 */
function problemsOf(error: z.ZodError, options: Record<string, string> = {}): string[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    return `${options[field] ?? (field || 'value')}: ${i.message}`;
  });
}

/** Parses command-line input with the schema; a failure becomes one readable sentence per problem. */
export function parseFields<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: Record<string, string> = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error, options);
  throw errors.validation(problems.join('; '), { problems });
}

/** Commander's collector for a repeatable option (`--x a --x b` gives ["a", "b"]). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A record id typed on the command line; `what` names it with its article ("an alert"). */
export function positiveId(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw errors.validation(`"${value}" is not ${what} id`, { field: 'id', value });
  return n;
}

/** A count given to `option` (e.g. --limit): a whole number from 1 to `max`. */
export function positiveCount(value: string, option: string, max = 10_000): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw errors.validation(`${option} must be a whole number from 1 to ${max}; it is "${value}"`, {
      field: option,
      value,
    });
  return n;
}
