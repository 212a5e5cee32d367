/**
 * The embedded database's data folder is held by one process at a time (PGlite must not be
 * opened twice): a second process is refused with what to do, and the lock of a process that
 * died is taken over.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';

describe('the data folder lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a folder held by a live process, saying what to do', async () => {
    const held = path.join(dir, 'held');
    fs.mkdirSync(held);
    // The test runner that started this worker: alive, and not this process.
    fs.writeFileSync(path.join(held, 'tandem.lock'), String(process.ppid));
    await expect(openDatabase({ dataDir: held })).rejects.toMatchObject({
      code: 'database_unavailable',
      message:
        `the embedded database in ${held} is in use by process ${process.ppid} (a running tandem serve or demo?). ` +
        'Stop that process, or set TANDEM_DATA_DIR to another folder. While a server runs on it, send files ' +
        'to the server instead: POST /v1/ingest (docs/api.md).',
    });
    expect(fs.readFileSync(path.join(held, 'tandem.lock'), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over the lock of a process that has ended, and gives it up on close', async () => {
    const stale = path.join(dir, 'stale');
    fs.mkdirSync(stale);
    const ended = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    fs.writeFileSync(path.join(stale, 'tandem.lock'), String(ended));
    const database = await openDatabase({ dataDir: stale });
    try {
      expect(fs.readFileSync(path.join(stale, 'tandem.lock'), 'utf8')).toBe(String(process.pid));
      expect(database.kind).toBe('embedded');
    } finally {
      await database.close();
    }
    expect(fs.existsSync(path.join(stale, 'tandem.lock'))).toBe(false);
  });
});
