import type { Command } from 'commander';
import { errors } from '../errors.ts';
import { DEFAULT_PROFILES } from '../risk/profiles.seed.ts';
import { type ProfileChange, type ProfileView, RiskProfileService } from '../risk/profiles.service.ts';
import { cliActor, positiveId, printJson, withDatabase } from './context.ts';

const profileId = (id: string): number => positiveId(id, 'a profile');

function dateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw errors.validation(`--${name}: "${value}" is not a date`, { field: name, value });
  return d;
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw errors.validation(`--${name}: "${value}" is not a number`, { field: name, value });
  return n;
}

function line(p: ProfileView): string {
  const window = p.validFrom || p.validTo ? `  valid ${p.validFrom ?? '…'} – ${p.validTo ?? '…'}` : '';
  const state = p.active ? '' : '  (inactive)';
  return `${String(p.id).padStart(4)}  v${String(p.version).padEnd(3)} ${p.action.padEnd(6)} ${String(p.weight).padStart(6)}  ${p.name}${window}${state}\n`;
}

interface ProfileOptions {
  name?: string;
  description?: string;
  owner?: string;
  expression?: string;
  weight?: string;
  action?: string;
  validFrom?: string;
  validTo?: string;
  active?: boolean;
  reason?: string;
  json?: boolean;
}

/** The profile's fields as options; `create` requires name, expression and weight. */
function withProfileOptions(cmd: Command, forCreate: boolean): Command {
  const essential = (flags: string, text: string) =>
    forCreate ? cmd.requiredOption(flags, text) : cmd.option(flags, text);
  essential('--name <name>', 'short name, unique');
  essential('--expression <cel>', 'CEL expression over the risk view (docs/risk-profiles.md)');
  essential('--weight <points>', 'points added to the score when it hits');
  return cmd
    .option('--description <text>', 'what the profile looks for and why')
    .option('--owner <owner>', 'who answers for the profile (team or person)')
    .option('--action <action>', "'score' adds the weight, 'select' always selects")
    .option('--valid-from <date>', 'in force from (ISO 8601)')
    .option('--valid-to <date>', 'in force until, exclusive (ISO 8601)')
    .option('--json', 'print as JSON');
}

function changeOf(opts: ProfileOptions): Omit<ProfileChange, 'reason'> {
  return {
    name: opts.name,
    description: opts.description,
    owner: opts.owner,
    expression: opts.expression,
    weight: numberOption('weight', opts.weight),
    action: opts.action === 'score' || opts.action === 'select' ? opts.action : undefined,
    validFrom: dateOption('valid-from', opts.validFrom),
    validTo: dateOption('valid-to', opts.validTo),
    active: opts.active,
  };
}

function checkAction(action: string | undefined): void {
  if (action !== undefined && action !== 'score' && action !== 'select')
    throw errors.validation(`--action: "${action}" is neither 'score' nor 'select'`, {
      field: 'action',
      value: action,
    });
}

export function registerProfileCommands(program: Command): void {
  const profile = program
    .command('profile')
    .description('risk profiles: CEL rules with weights and validity');

  withProfileOptions(profile.command('create').description('create a risk profile'), true)
    .option('--reason <text>', 'why the profile is created (kept with the version and in the audit log)')
    .action((opts: ProfileOptions) =>
      withDatabase(async ({ database }) => {
        checkAction(opts.action);
        const c = changeOf(opts);
        const created = await new RiskProfileService(database.db).create(cliActor(), {
          name: opts.name ?? '',
          expression: opts.expression ?? '',
          weight: c.weight ?? 0,
          owner: opts.owner ?? cliActor(),
          description: c.description,
          action: c.action,
          validFrom: c.validFrom ?? null,
          validTo: c.validTo ?? null,
          reason: opts.reason,
        });
        if (opts.json) return printJson(created);
        process.stdout.write(`created risk profile ${created.id} "${created.name}" v${created.version}\n`);
      }),
    );

  withProfileOptions(profile.command('update').description('change a risk profile (adds a version)'), false)
    .argument('<id>', 'the profile id (see profile list)')
    .option('--active', 'put the profile in force')
    .option('--inactive', 'take the profile out of force')
    .requiredOption('--reason <text>', 'why the profile changes')
    .action((id: string, opts: ProfileOptions & { inactive?: boolean }) =>
      withDatabase(async ({ database }) => {
        checkAction(opts.action);
        const active = opts.inactive ? false : opts.active ? true : undefined;
        const profiles = new RiskProfileService(database.db);
        const before = (await profiles.show(profileId(id))).version;
        const updated = await profiles.update(cliActor(), profileId(id), {
          ...changeOf({ ...opts, active }),
          reason: opts.reason ?? '',
        });
        if (opts.json) return printJson(updated);
        process.stdout.write(
          updated.version === before
            ? `risk profile ${updated.id} "${updated.name}": nothing changed, still v${updated.version}\n`
            : `risk profile ${updated.id} "${updated.name}" is now v${updated.version}\n`,
        );
      }),
    );

  profile
    .command('list')
    .description('list risk profiles (current versions)')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const all = await new RiskProfileService(database.db).list();
        if (opts.json) return printJson(all);
        if (all.length === 0)
          process.stdout.write('no risk profiles (tandem profile seed adds the defaults)\n');
        for (const p of all) process.stdout.write(line(p));
      }),
    );

  profile
    .command('show')
    .description('one risk profile with its version history')
    .argument('<id>', 'the profile id')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const p = await new RiskProfileService(database.db).show(profileId(id));
        if (opts.json) return printJson(p);
        process.stdout.write(line(p));
        process.stdout.write(`      owner: ${p.owner}\n      ${p.description}\n      ${p.expression}\n\n`);
        for (const v of p.versions) {
          process.stdout.write(
            `  v${v.version}  ${v.changedAt}  ${v.changedBy}${v.changeReason ? `: ${v.changeReason}` : ''}\n`,
          );
        }
      }),
    );

  profile
    .command('backtest')
    .description('how many containers the profile would have selected in a window, and its hit rate')
    .argument('<id>', 'the profile id')
    .requiredOption('--from <date>', 'first arrival date (ISO 8601)')
    .requiredOption('--to <date>', 'end of the window, exclusive (ISO 8601)')
    .option('--profile-version <n>', 'an earlier version of the profile instead of the current one')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { from: string; to: string; profileVersion?: string; json?: boolean }) =>
      withDatabase(async ({ database }) => {
        const from = dateOption('from', opts.from) ?? new Date(Number.NaN);
        const to = dateOption('to', opts.to) ?? new Date(Number.NaN);
        const version = numberOption('profile-version', opts.profileVersion);
        const r = await new RiskProfileService(database.db).backtest(profileId(id), { from, to, version });
        if (opts.json) return printJson(r);
        const share = r.containers > 0 ? ` (${((100 * r.selected) / r.containers).toFixed(1)} %)` : '';
        process.stdout.write(
          `profile ${r.profileId} v${r.version}, ${r.from} – ${r.to}: would have selected ${r.selected} of ${r.containers} containers${share}\n`,
        );
        if (r.errors > 0)
          process.stdout.write(
            `the expression could not be evaluated on ${r.errors} containers (absent facts)\n`,
          );
        const o = r.outcomes;
        if (!o) return void process.stdout.write('no recorded outcomes\n');
        const pct = (x: number | null) => (x == null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
        process.stdout.write(
          `recorded outcomes: ${o.selectedHits} hits in ${o.selectedInspected} inspected selections, hit rate ${pct(o.hitRate)}` +
            ` (all inspected: ${o.allHits} in ${o.allInspected}, ${pct(o.baselineHitRate)})\n`,
        );
      }),
    );

  profile
    .command('seed')
    .description('add the default risk profiles that are not there yet (by name)')
    .action(() =>
      withDatabase(async ({ database }) => {
        const service = new RiskProfileService(database.db);
        const existing = new Set((await service.list()).map((p) => p.name));
        for (const p of DEFAULT_PROFILES) {
          if (existing.has(p.name)) {
            process.stdout.write(`exists   ${p.name}\n`);
            continue;
          }
          const created = await service.create(cliActor(), {
            ...p,
            reason: 'default profile (tandem profile seed)',
          });
          process.stdout.write(`created  ${created.id} ${created.name}\n`);
        }
      }),
    );
}
