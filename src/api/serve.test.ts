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
