import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from './program.ts';

function walk(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) => [
    { path: [...path, c.name()].join(' '), command: c },
    ...walk(c, [...path, c.name()]),
  ]);
}

it('builds every command without conflicting options, and each has a description and --help', () => {
  const program = buildProgram();
  const all = walk(program);
  expect(all.map((c) => c.path)).toEqual(
    expect.arrayContaining([
      'db migrate',
      'db status',
      'ingest',
      'quarantine list',
      'quarantine show',
      'serve',
      'demo',
      'simulate',
    ]),
  );
  for (const { path, command } of all) {
    expect(command.description(), `${path} has no description`).not.toBe('');
    expect(command.helpInformation()).toContain(
      `Usage: tandem ${path.split(' ').slice(0, -1).join(' ')}`.trim(),
    );
  }
});
