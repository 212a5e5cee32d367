/** `tandem custody verify`: checks every evidence item's chain of custody and the audit log. */
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { type CustodyVerification, verifyCustody } from '../inspection/index.ts';
import { progress, progressDone, withDatabase } from './context.ts';

/** The report a person reads: one line per problem, naming the item and the entry. */
export function formatCustodyVerification(v: CustodyVerification): string {
  const lines: string[] = [];
  for (const p of v.problems)
    lines.push(
      `BROKEN evidence item ${p.evidenceId}${p.label ? ` (${p.label})` : ''}, entry seq ${p.seq}: ${p.problem}`,
    );
  if (!v.audit.ok)
    lines.push(
      `BROKEN audit log: entry ${v.audit.brokenAt} does not match its hash or link (${v.audit.checked} entries before it are intact)`,
    );
  lines.push(
    v.ok
      ? `custody intact: ${v.items} evidence items, ${v.entries} custody entries, audit log of ${v.audit.checked} entries verified`
      : `custody NOT intact: ${v.problems.length} problem(s) in ${v.items} evidence items and ${v.entries} custody entries${v.audit.ok ? '' : '; the audit log chain is broken'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the verification, writes the report, and returns the exit code (1 when anything is broken). */
export async function runCustodyVerify(
  db: Kysely<DB>,
  write: (text: string) => void,
  options: { json?: boolean | undefined } = {},
): Promise<number> {
  const result = await verifyCustody(db, (n) => progress(`checked ${n} evidence items`));
  progressDone();
  write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatCustodyVerification(result));
  return result.ok ? 0 : 1;
}

export function registerCustodyCommands(program: Command): void {
  const custody = program.command('custody').description('chain of custody of evidence items');
  custody
    .command('verify')
    .description(
      'recompute every custody hash chain, check sequence and links, that each entry is in the audit log, and the audit log chain; exits 1 when anything is broken',
    )
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const code = await runCustodyVerify(database.db, (text) => process.stdout.write(text), opts);
        if (code !== 0) process.exitCode = code;
      }),
    );
}
