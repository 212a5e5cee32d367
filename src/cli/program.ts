/**
 * The `tandem` command tree. Each group of subcommands lives in src/cli/<group>.command.ts and is
 * registered here; every command has --help.
 */
import { Command } from 'commander';
import { registerAssessCommands } from './assess.command.ts';
import { registerDbCommands } from './db.command.ts';
import { registerIngestCommands } from './ingest.command.ts';
import { registerModelCommands } from './model.command.ts';
import { registerFederationCommands } from './partner.command.ts';
import { registerProfileCommands } from './profile.command.ts';
import { registerServeCommands } from './serve.command.ts';
import { registerSimulateCommands } from './simulate.command.ts';
import { registerUserCommands } from './user.command.ts';

export function buildProgram(): Command {
  const program = new Command('tandem')
    .description(
      'Tandem: risk targeting, release gate, inspections and intelligence exchange for port customs',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');

  registerAssessCommands(program);
  registerDbCommands(program);
  registerIngestCommands(program);
  registerProfileCommands(program);
  registerModelCommands(program);
  registerFederationCommands(program);
  registerServeCommands(program);
  registerSimulateCommands(program);
  registerUserCommands(program);
  return program;
}
