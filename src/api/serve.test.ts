import net from 'node:net';
import { expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/databases.ts';
import { AccountsService } from '../accounts/accounts.service.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startServer } from './serve.ts';

it('serves over a real socket and closes the server, then the database', async () => {
  const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent', TANDEM_HOST: '127.0.0.1', TANDEM_PORT: '0' });
  const database = await freshDatabase('embedded');
  await new AccountsService(database.db, { sessionHours: 1 }).createUser('test', {
    username: 'socket.officer',
    roles: ['inspector'],
    password: 'over the wire password',
  });
  const server = await startServer(config, database, createLogger('silent'));
  try {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'socket.officer', password: 'over the wire password' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const me = await fetch(`${server.url}/v1/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({
      kind: 'user',
      name: 'socket.officer',
      permissions: expect.arrayContaining(['consignments:read', 'containers:read']),
    });
    const denied = await fetch(`${server.url}/v1/users`, { headers: { cookie } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toMatch(/^application\/json/);
  } finally {
    await server.close();
  }
  await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  await expect(database.db.selectFrom('users').selectAll().execute()).rejects.toThrow();
});

it('says what to do when the port is taken or the host is not this machine, and leaves no signal handlers', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const handlers = process.listenerCount('SIGTERM');
  try {
    const config = loadConfig({
      TANDEM_LOG_LEVEL: 'silent',
      TANDEM_HOST: '127.0.0.1',
      TANDEM_PORT: String(port),
    });
    const database = await freshDatabase('embedded');
    await expect(startServer(config, database, createLogger('silent'))).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: the port is in use by another program. Stop that program, or choose another port (TANDEM_PORT, or --port)`,
    );
    // Nothing is left open that would keep the process alive: the database is closed too.
    await expect(database.db.selectFrom('users').selectAll().execute()).rejects.toThrow();
    const elsewhere = loadConfig({
      TANDEM_LOG_LEVEL: 'silent',
      TANDEM_HOST: '203.0.113.7',
      TANDEM_PORT: '0',
    });
    await expect(
      startServer(elsewhere, await freshDatabase('embedded'), createLogger('silent')),
    ).rejects.toThrow(
      'cannot listen on 203.0.113.7:0: 203.0.113.7 is not an address of this machine. Set TANDEM_HOST',
    );
    expect(process.listenerCount('SIGTERM')).toBe(handlers);
  } finally {
    taken.close();
  }
});
