/** The `tandem` command: builds the command tree and runs it. */
import { reportCommandError } from './cli/context.ts';
import { buildProgram } from './cli/program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  reportCommandError(e);
}
