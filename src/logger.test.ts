import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileLogger } from './logger.ts';

describe('createFileLogger', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-log-'));
  afterEach(() => vi.restoreAllMocks());

  const lines = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; who?: string });

  it('writes JSON lines to the file and only errors, readable, to the terminal', () => {
    const printed: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const file = path.join(dir, 'sub', 'tandem.log');
    const log = createFileLogger('warn', file, 'NL-CUSTOMS');
    log.info('not at this level');
    log.warn({ who: 'BE-CUSTOMS' }, 'partner intelligence hit');
    log.error({ err: new Error('connection refused') }, 'federation delivery failed');
    log.fatal('cannot open the database');

    expect(lines(file).map((l) => [l.level, l.msg])).toEqual([
      [40, 'partner intelligence hit'],
      [50, 'federation delivery failed'],
      [60, 'cannot open the database'],
    ]);
    expect(lines(file)[0]!.who).toBe('BE-CUSTOMS');
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(
      /^NL-CUSTOMS: error: federation delivery failed: connection refused \(details in .*tandem\.log\)\n$/,
    );
    expect(printed[1]).toMatch(/^NL-CUSTOMS: error: cannot open the database \(details in /);
  });

  it('writes nothing anywhere when silent', () => {
    const file = path.join(dir, 'silent.log');
    createFileLogger('silent', file, 'x').error('gone');
    expect(fs.existsSync(file)).toBe(false);
  });
});
