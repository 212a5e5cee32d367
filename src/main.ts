/**
 * The `tandem` command. Each group of subcommands lives in src/cli/<group>.command.ts and is
 * registered here; every command has --help.
 */
import { Command } from 'commander';
import { reportCommandError } from './cli/context.ts';
import { registerDbCommands } from './cli/db.command.ts';
import { registerIngestCommands } from './cli/ingest.command.ts';
import { registerServeCommands } from './cli/serve.command.ts';
import { registerSimulateCommands } from './cli/simulate.command.ts';
import { registerUserCommands } from './cli/user.command.ts';

const program = new Command('tandem')
  .description('Tandem: risk targeting, release gate, inspections and intelligence exchange for port customs')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerDbCommands(program);
registerIngestCommands(program);
registerServeCommands(program);
registerSimulateCommands(program);
registerUserCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  reportCommandError(e);
}
