/**
 * Runs the API until SIGINT or SIGTERM, then shuts down in order: stop taking requests and
 * finish the ones in flight (server close), then close the database, so no acknowledged write
 * is cut off.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { capabilityRoutes, createServices, type Services } from './capabilities.ts';
import type { RouteModule } from './route-kit.ts';
import { buildServer } from './server.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Closes the server, then the database; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The whole application on a database, not yet listening: every capability's services and
 * routes (or the given route modules). `startServer`, the tests and the docs script build it
 * this one way.
 */
export function assembleServer(
  config: Config,
  database: Database,
  logger: Logger,
  routes?: (services: Services) => readonly RouteModule[],
): { app: FastifyInstance; services: Services } {
  const services = createServices({ config, database, logger });
  const app = buildServer({
    config,
    database,
    logger,
    services,
    routes: routes ? routes(services) : capabilityRoutes(services, { config, database, logger }),
  });
  // After the requests in flight, before the database closes: commit the gate log still queued.
  app.addHook('onClose', () => services.releaseGate.close());
  return { app, services };
}

/** Why the server cannot listen, said so that the operator knows what to change. */
export function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `cannot listen on ${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new Error(
      `${where}: the port is in use by another program. Stop that program, or choose another port (TANDEM_PORT, or --port)`,
    );
  if (code === 'EACCES')
    return new Error(
      `${where}: not allowed (ports below 1024 need extra rights). Choose a port from 1024 up (TANDEM_PORT, or --port)`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new Error(
      `${where}: ${host} is not an address of this machine. Set TANDEM_HOST to one of its addresses, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (all)`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

/** Gives in-flight requests this long to finish before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Starts listening on config.host:config.port with the capabilities of capabilities.ts (or the
 * given route modules) and installs the signal handlers. The database is the server's from here:
 * it is closed when the server stops, or when it cannot start.
 */
export async function startServer(
  config: Config,
  database: Database,
  logger: Logger,
  routes?: readonly RouteModule[],
  /** Runs before the server closes the database (stop background workers here); also when it cannot start. */
  beforeClose?: () => Promise<void>,
): Promise<RunningServer> {
  const { app } = assembleServer(config, database, logger, routes ? () => routes : undefined);
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    // A failed start shuts down as a stop would (workers, server, database), so nothing keeps
    // the process alive after the reason is reported.
    await beforeClose?.().catch(() => {});
    await app.close().catch(() => {});
    await database.close().catch(() => {});
    throw listenError(e, config.host, config.port);
  }
  logger.info({ url, database: database.kind }, 'Tandem API listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await beforeClose?.();
      await app.close();
      await database.close();
      logger.info('Tandem API stopped');
    })();
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    close().catch((e: unknown) => {
      logger.error({ err: e }, 'shutdown failed');
      process.exitCode = 1;
    });
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { app, url, close };
}
