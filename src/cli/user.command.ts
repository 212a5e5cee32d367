import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { AccountsService, generatePassword } from '../accounts/accounts.service.ts';
import { permissions, roles } from '../accounts/permissions.ts';
import { errors } from '../errors.ts';
import { type CommandContext, cliActor, collect, positiveId, printJson, withDatabase } from './context.ts';

function accountsOf({ database, config }: CommandContext): AccountsService {
  return new AccountsService(database.db, { sessionHours: config.sessionHours });
}

/**
 * The new user's password: from stdin, from TANDEM_NEW_PASSWORD (a one-off secret for this
 * command, not configuration, so it is read here rather than in config.ts), or generated.
 */
async function newPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) {
    const password = (await text(process.stdin)).replace(/\r?\n$/, '');
    if (!password) throw errors.validation('no password on standard input');
    return { password, generated: false };
  }
  const fromEnv = process.env.TANDEM_NEW_PASSWORD;
  if (fromEnv) return { password: fromEnv, generated: false };
  return { password: generatePassword(), generated: true };
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('local user accounts');
  user
    .command('add')
    .description(
      'create a user; the password comes from --password-stdin or TANDEM_NEW_PASSWORD, else one is generated and printed',
    )
    .argument('<username>', 'login name: lower-case letters, digits, ".", "_" or "-"')
    .requiredOption('--role <role>', `a role (repeatable): ${roles.join(', ')}`, collect, [])
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input')
    .action((username: string, opts: { role: string[]; name?: string; passwordStdin?: boolean }) =>
      withDatabase(async (ctx) => {
        const { password, generated } = await newPassword(opts.passwordStdin === true);
        const created = await accountsOf(ctx).createUser(cliActor(), {
          username,
          displayName: opts.name,
          roles: opts.role,
          password,
        });
        process.stdout.write(`created user ${created.username} (${created.roles.join(', ')})\n`);
        if (generated) process.stdout.write(`password: ${password}\n(shown once; pass it on securely)\n`);
      }),
    );
  user
    .command('list')
    .description('list users')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const users = await accountsOf(ctx).listUsers();
        if (opts.json) return printJson(users);
        for (const u of users) {
          process.stdout.write(
            `${String(u.id).padStart(4)}  ${u.username.padEnd(24)} ${u.roles.join(',')}${u.disabled ? '  (disabled)' : ''}\n`,
          );
        }
      }),
    );

  for (const [verb, disabled, what] of [
    ['disable', true, 'disable a user: their sessions end at once and they cannot sign in'],
    ['enable', false, 'enable a disabled user again'],
  ] as const) {
    user
      .command(verb)
      .description(what)
      .argument('<username>', 'login name')
      .action((username: string) =>
        withDatabase(async (ctx) => {
          const changed = await accountsOf(ctx).setDisabled(cliActor(), username, disabled);
          process.stdout.write(`user ${changed.username} ${changed.disabled ? 'disabled' : 'enabled'}\n`);
        }),
      );
  }
  user
    .command('password')
    .description(
      'set a new password for a user (their sessions end); from --password-stdin or TANDEM_NEW_PASSWORD, else one is generated and printed',
    )
    .argument('<username>', 'login name')
    .option('--password-stdin', 'read the password from standard input')
    .action((username: string, opts: { passwordStdin?: boolean }) =>
      withDatabase(async (ctx) => {
        const { password, generated } = await newPassword(opts.passwordStdin === true);
        const changed = await accountsOf(ctx).resetPassword(cliActor(), username, password);
        process.stdout.write(`new password set for ${changed.username}; their sessions ended\n`);
        if (generated) process.stdout.write(`password: ${password}\n(shown once; pass it on securely)\n`);
      }),
    );

  const token = program.command('token').description('API tokens for machines (terminal systems, feeds)');
  token
    .command('create')
    .description('create an API token; it is printed once and stored only as a hash')
    .argument('<name>', 'what the token is for, e.g. terminal-psa-gate')
    .requiredOption(
      '--scope <permission>',
      `a permission (repeatable): ${permissions.join(', ')}`,
      collect,
      [],
    )
    .option('--expires <date>', 'expiry (ISO 8601 date or date-time)')
    .action((name: string, opts: { scope: string[]; expires?: string }) =>
      withDatabase(async (ctx) => {
        const expiresAt = opts.expires ? new Date(opts.expires) : undefined;
        if (expiresAt && Number.isNaN(expiresAt.getTime())) {
          throw errors.validation(`--expires: "${opts.expires}" is not a date`, {
            field: 'expires',
            value: opts.expires,
          });
        }
        const created = await accountsOf(ctx).createToken(cliActor(), {
          name,
          scopes: opts.scope,
          expiresAt,
        });
        process.stdout.write(
          `created token ${created.apiToken.id} "${created.apiToken.name}" (${created.apiToken.scopes.join(', ')})\n`,
        );
        process.stdout.write(`${created.token}\n(shown once; it cannot be recovered)\n`);
      }),
    );
  token
    .command('list')
    .description('list API tokens (never their secrets)')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (ctx) => {
        const tokens = await accountsOf(ctx).listTokens();
        if (opts.json) return printJson(tokens);
        for (const t of tokens) {
          const state = t.revokedAt
            ? `revoked ${t.revokedAt.toISOString()}`
            : `last used ${t.lastUsedAt?.toISOString() ?? 'never'}`;
          process.stdout.write(
            `${String(t.id).padStart(4)}  ${t.name.padEnd(28)} ${t.scopes.join(',').padEnd(30)} ${state}\n`,
          );
        }
      }),
    );
  token
    .command('revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'the token id (see token list)')
    .action((id: string) =>
      withDatabase(async (ctx) => {
        const revoked = await accountsOf(ctx).revokeToken(cliActor(), positiveId(id, 'a token'));
        process.stdout.write(`revoked token ${revoked.id} "${revoked.name}"\n`);
      }),
    );
}
