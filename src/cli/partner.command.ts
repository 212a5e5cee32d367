/**
 * `tandem partner ...`: this instance's federation identity and its partner agencies. Also
 * registers `tandem alert ...` (alert.command.ts), so the program adds federation in one line.
 * Changes are audited with the operating-system user as the actor (`cli:<login>`).
 */

import fs from 'node:fs';
import type { Command } from 'commander';
import { errors } from '../errors.ts';
import { FederationService } from '../federation/federation.service.ts';
import { loadOrCreateIdentity } from '../federation/identity.ts';
import { objectTypeSchema, type PartnerPolicy, partnerPolicySchema } from '../federation/sharing.ts';
import { patchOf } from '../lib/zod-input.ts';
import { registerAlertCommands } from './alert.command.ts';
import { type CommandContext, cliActor, parseFields, printJson, withDatabase } from './context.ts';

export function federationOf({ database, config }: CommandContext): FederationService {
  return new FederationService(database.db, loadOrCreateIdentity(config.dataDir, config.agency));
}

/** A PEM given inline, or the path of a file holding it. */
function readPublicKey(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (!fs.existsSync(value))
    throw errors.validation(`--public-key: ${value} is neither a PEM key nor a file`, {
      field: 'public-key',
    });
  return fs.readFileSync(value, 'utf8');
}

function yesNo(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes') return true;
  if (value === 'no') return false;
  throw errors.validation(`--${name}: say yes or no, not "${value}"`, { field: name, value });
}

function policyLine(p: PartnerPolicy): string {
  return `allow=${p.allow.join(',') || '-'} tlp-max=${p.tlpMax} personal-data=${p.personalData ? 'yes' : 'no'} four-eyes=${p.fourEyes ? 'yes' : 'no'} statistics=${p.shareStatistics ? 'yes' : 'no'}`;
}

export function registerFederationCommands(program: Command): void {
  const partner = program
    .command('partner')
    .description("federation: this instance's identity and its partner agencies");
  partner
    .command('whoami')
    .description("print this instance's agency code and public key (give both to a partner)")
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const me = federationOf(ctx).whoami();
        if (opts.json) return printJson(me);
        process.stdout.write(`${me.code} ${me.name}\n${me.publicKeyPem}`);
      }),
    );
  partner
    .command('add')
    .description(
      'add a partner agency (or replace its URL and key); it starts with a policy that shares nothing',
    )
    .argument('<code>', "the partner's agency code, e.g. NL-CUSTOMS")
    .requiredOption('--url <url>', "the partner instance's base URL, e.g. https://tandem.douane.nl")
    .requiredOption('--public-key <pemOrFile>', "the partner's Ed25519 public key (PEM text or a file)")
    .requiredOption('--name <name>', "the partner's name")
    .action((code: string, opts: { url: string; publicKey: string; name: string }) =>
      withDatabase(async (ctx) => {
        const added = await federationOf(ctx).addPartner(cliActor(), {
          code,
          name: opts.name,
          url: opts.url,
          publicKeyPem: readPublicKey(opts.publicKey),
        });
        process.stdout.write(
          `partner ${added.code} (${added.name}) at ${added.url}: ${policyLine(added.policy)}\n`,
        );
      }),
    );
  partner
    .command('list')
    .description('list partners and their sharing policies')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const partners = await federationOf(ctx).listPartners();
        if (opts.json) return printJson(partners);
        if (partners.length === 0) process.stdout.write('no partners\n');
        for (const p of partners)
          process.stdout.write(`${p.code}\t${p.name}\t${p.url}\t${policyLine(p.policy)}\n`);
      }),
    );
  partner
    .command('policy')
    .description('set what may be shared with a partner')
    .argument('<code>', "the partner's agency code")
    .option(
      '--allow <types>',
      `comma-separated object types (${objectTypeSchema.options.join(', ')}), or "none"`,
    )
    .option(
      '--tlp-max <marking>',
      'highest TLP shared: CLEAR, GREEN, AMBER or AMBER+STRICT (RED only to named recipients)',
    )
    .option('--personal-data <yesno>', 'the agreement allows party names and identifiers: yes or no')
    .option('--four-eyes <yesno>', "every share waits for a second person's approval: yes or no")
    .option('--statistics <yesno>', 'the agreement to exchange aggregated seizure figures: yes or no')
    .action(
      (
        code: string,
        opts: {
          allow?: string;
          tlpMax?: string;
          personalData?: string;
          fourEyes?: string;
          statistics?: string;
        },
      ) =>
        withDatabase(async (ctx) => {
          const patch = parseFields(patchOf(partnerPolicySchema), {
            ...(opts.allow !== undefined
              ? { allow: opts.allow === 'none' ? [] : opts.allow.split(',').map((s) => s.trim()) }
              : {}),
            ...(opts.tlpMax !== undefined ? { tlpMax: opts.tlpMax.toUpperCase() } : {}),
            ...(opts.personalData !== undefined
              ? { personalData: yesNo('personal-data', opts.personalData) }
              : {}),
            ...(opts.fourEyes !== undefined ? { fourEyes: yesNo('four-eyes', opts.fourEyes) } : {}),
            ...(opts.statistics !== undefined
              ? { shareStatistics: yesNo('statistics', opts.statistics) }
              : {}),
          });
          const updated = await federationOf(ctx).setPolicy(cliActor(), code, patch);
          process.stdout.write(`${updated.code}: ${policyLine(updated.policy)}\n`);
        }),
    );
  registerAlertCommands(program);
}
