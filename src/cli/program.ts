/**
 * The `tandem` command tree. Each group of subcommands lives in src/cli/<group>.command.ts and is
 * registered here; every command has --help.
 */
import { Command } from 'commander';
import { registerAssessCommands } from './assess.command.ts';
import { registerCustodyCommands } from './custody.command.ts';
import { registerDbCommands } from './db.command.ts';
import { registerHoldCommands } from './hold.command.ts';
import { registerIngestCommands } from './ingest.command.ts';
import { registerInspectionCommands } from './inspection.command.ts';
import { registerMoCommands } from './mo.command.ts';
import { registerModelCommands } from './model.command.ts';
import { registerOperationCommands } from './operation.command.ts';
import { registerFederationCommands } from './partner.command.ts';
import { registerProfileCommands } from './profile.command.ts';
import { registerScannerCommands } from './scanner.command.ts';
import { registerServeCommands } from './serve.command.ts';
import { registerSimulateCommands } from './simulate.command.ts';
import { registerStatsCommands } from './stats.command.ts';
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
  registerHoldCommands(program);
  registerIngestCommands(program);
  registerInspectionCommands(program);
  registerScannerCommands(program);
  registerProfileCommands(program);
  registerModelCommands(program);
  registerFederationCommands(program);
  registerMoCommands(program);
  registerOperationCommands(program);
  registerServeCommands(program);
  registerSimulateCommands(program);
  registerStatsCommands(program);
  registerCustodyCommands(program);
  registerUserCommands(program);
  return program;
}
