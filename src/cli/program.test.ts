import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { expect, it, vi } from 'vitest';
import { runTandem } from '../../test/support/cli.ts';
import { errors } from '../errors.ts';
import { reportCommandError } from './context.ts';
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

it('reports a command input that fails its schema as one sentence per problem, and exits 1', async () => {
  const out = path.join(os.tmpdir(), 'tandem-never-written');
  const error = await runTandem('simulate', '--days', 'abc', '--scale', 'x', '--out', out).catch((e) => e);
  const written: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    reportCommandError(error);
  } finally {
    stderr.mockRestore();
  }
  expect(written.join('')).toBe('tandem: days: must be a number; scale: must be a number\n');
  expect(process.exitCode).toBe(1);
  process.exitCode = undefined;
});

it('shows where an error came from with TANDEM_DEBUG=1, only for errors Tandem did not phrase itself', () => {
  const report = (e: unknown, debug: string | undefined) => {
    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const saved = process.env.TANDEM_DEBUG;
    if (debug === undefined) delete process.env.TANDEM_DEBUG;
    else process.env.TANDEM_DEBUG = debug;
    try {
      reportCommandError(e);
    } finally {
      stderr.mockRestore();
      if (saved === undefined) delete process.env.TANDEM_DEBUG;
      else process.env.TANDEM_DEBUG = saved;
      process.exitCode = undefined;
    }
    return written.join('');
  };
  const fault = new TypeError('x is not a function');
  expect(report(fault, undefined)).toBe('tandem: x is not a function\n');
  const debugged = report(fault, '1');
  expect(debugged.startsWith('tandem: x is not a function\nTypeError: x is not a function\n    at ')).toBe(
    true,
  );
  expect(report(errors.notFound('hold', '7'), '1')).toBe('tandem: hold 7 was not found\n');
  expect(report('a plain string', '1')).toBe('tandem: a plain string\n');
});

it('tandem simulate ends with the command that loads its traffic, and warns off the ground truth', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-sim-cli-'));
  try {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const edifact = await runTandem('simulate', '--days', '1', '--out', out);
    expect(edifact.trim().split('\n').at(-1)).toBe(
      `to load the traffic: tandem ingest ${path.join(out, '*.edi')}; truth.jsonl is the hidden ground truth, for tandem simulate inspect only`,
    );
    const json = await runTandem('simulate', '--days', '1', '--format', 'json', '--out', out);
    expect(json).toContain(
      `tandem ingest ${path.join(out, 'port-calls.jsonl')} ${path.join(out, 'consignments.jsonl')}`,
    );
  } finally {
    vi.restoreAllMocks();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
