/**
 * `tandem serve` and `tandem demo --single` as a user runs them, when the port is taken: each
 * says what to do and ends with code 1 at once. Before, the database and the background workers
 * kept the process alive after the message (the two-instance demo then ran on with one instance).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `tandem ...args` in `cwd`; resolves with its exit code and stderr, or null if it is still running after `ms`. */
function run(args: string[], cwd: string, env: Record<string, string>, ms: number) {
  return new Promise<{ code: number | null; stderr: string } | null>((resolve) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/tandem.js'), ...args], {
      cwd,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('starting on a port that is taken', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-serve-start-'));
  const taken = net.createServer();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    taken.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['serve', ['serve']],
    ['demo --single', ['demo', '--single', '--live-interval', '0', '--history-days', '1']],
  ])('tandem %s says so and exits 1', { timeout: 120_000 }, async (_, args) => {
    const result = await run(
      args,
      dir,
      { TANDEM_PORT: String(port), TANDEM_DATA_DIR: path.join(dir, args[0]!) },
      90_000,
    );
    expect(result, 'the process was still running after 90 s').not.toBeNull();
    expect(result?.stderr).toContain(
      `tandem: cannot listen on 127.0.0.1:${port}: the port is in use by another program. Stop that program, or choose another port (TANDEM_PORT, or --port)`,
    );
    expect(result?.code).toBe(1);
  });
});
