/** Runs the real `tandem` command tree in this process, as a user would type it. */
import { vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';

/** Runs `tandem ...args` and returns what it printed on stdout. */
export async function runTandem(...args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'tandem', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return out;
}
