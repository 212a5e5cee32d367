/**
 * The HTTP server: Fastify with JSON logs and request ids, authentication and authorisation,
 * one error format, OpenAPI 3.1 at /docs, liveness and readiness, and the capabilities' routes.
 * A request runs: authenticate and authorise (onRequest, before the body is read) → parse and
 * validate (zod, in the route kit) → one service call → JSON answer.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { permissionCatalogue } from '../accounts/permissions.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { errors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { installAccessControl, type RouteRecord } from './access.ts';
import { capabilityRoutes, type Services } from './capabilities.ts';
import { installErrorHandling } from './error-handler.ts';
import {
  type DeclaredRoute,
  mediaTypeMatchers,
  RAW_BODY_TYPES,
  type RouteModule,
  route,
  routeModule,
} from './route-kit.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with its permission, filled as routes are registered. */
    routeCatalogue: RouteRecord[];
  }
}

export interface ServerOptions {
  config: Config;
  database: Database;
  logger: Logger;
  services: Services;
  /** The capabilities' routes; by default those of capabilities.ts. */
  routes?: readonly RouteModule[];
}

const DOCS_PREFIX = '/docs';

/** Builds the server (not yet listening; `listen`, `inject` or `ready` finish loading it). */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { config, database, logger, services } = options;
  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: baseLogger,
    requestIdHeader: false,
    // A caller's request id is kept (for tracing across systems) when it is a sane token.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
  });

  app.decorate(
    'routeCatalogue',
    installAccessControl(app, services.accounts, { publicPrefixes: [DOCS_PREFIX] }),
  );
  installErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // zod in the route kit validates; the JSON schemas on routes are for the OpenAPI document only.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.register(fastifyCookie, { hook: false });
  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        version: '0.1.0',
        description: `Tandem instance of ${config.agency.name} (${config.agency.code}). Permissions: ${Object.keys(permissionCatalogue).join(', ')}.`,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token or a session token' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });

  const modules = [
    healthRoutes(database, config),
    ...(options.routes ?? capabilityRoutes(services, options)),
  ];
  for (const module of modules) registerModule(app, module, config.ingestMaxBytes);
  return app;
}

function healthRoutes(database: Database, config: Config): RouteModule {
  return routeModule('health', [
    // Public: whoever opens the server's address finds where to go from there.
    route('GET', '/', 'public')
      .summary(
        'Where to start',
        'A browser is sent on to the API documentation (/docs); any other client gets this instance and its entry points.',
      )
      .handle(({ request, reply }) => {
        if ((request.headers.accept ?? '').includes('text/html')) return reply.redirect(DOCS_PREFIX, 302);
        return {
          name: 'Tandem',
          agency: { code: config.agency.code, name: config.agency.name, ports: config.agency.ports },
          docs: DOCS_PREFIX,
          openapi: `${DOCS_PREFIX}/json`,
          health: '/health',
          ready: '/ready',
          api: '/v1',
        };
      }),
    // Public: load balancers and orchestrators probe these without credentials.
    route('GET', '/health', 'public')
      .summary('Liveness: the process answers')
      .handle(() => ({ status: 'ok' })),
    route('GET', '/ready', 'public')
      .summary('Readiness: the database answers (503 when it does not)')
      .handle(async () => {
        try {
          await sql`select 1`.execute(database.db);
        } catch (e) {
          throw errors.databaseUnavailable(`the database does not answer: ${(e as Error).message}`);
        }
        return { status: 'ready', database: database.kind };
      }),
  ]);
}

/**
 * Registers a module's routes. Raw-body routes live in their own encapsulated plugin whose only
 * body parser hands the request stream on unread, so a 500 MB manifest never sits in memory.
 */
function registerModule(app: FastifyInstance, module: RouteModule, rawBodyLimit: number): void {
  const plain = module.routes.filter((r) => !r.rawBody && !r.bytesBody);
  const raw = module.routes.filter((r) => r.rawBody);
  app.register(async (scope) => {
    for (const r of plain) addRoute(scope, r);
  });
  // A bytes-body route gets a scope whose only parser buffers its media types, within its limit.
  for (const r of module.routes) {
    const bytes = r.bytesBody;
    if (!bytes) continue;
    app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      for (const matcher of mediaTypeMatchers(bytes.mediaTypes)) {
        scope.addContentTypeParser(
          matcher,
          { parseAs: 'buffer', bodyLimit: bytes.maxBytes },
          (_request, body, done) => done(null, body),
        );
      }
      addRoute(scope, r, bytes.maxBytes);
    });
  }
  if (raw.length === 0) return;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(RAW_BODY_TYPES, (request, payload, done) => {
      const declared = Number(request.headers['content-length']);
      if (declared > rawBodyLimit) {
        done(errors.payloadTooLarge(rawBodyLimit), undefined);
        return;
      }
      done(null, limitBytes(payload, rawBodyLimit));
    });
    for (const r of raw) addRoute(scope, r, rawBodyLimit);
  });
}

function addRoute(scope: FastifyInstance, r: DeclaredRoute, bodyLimit?: number): void {
  const { summary, description, tags, params, querystring, body, response } = r.openapi;
  scope.route({
    method: r.method,
    url: r.url,
    config: { permission: r.permission },
    ...((bodyLimit ?? r.bodyLimit) ? { bodyLimit: bodyLimit ?? r.bodyLimit } : {}),
    schema: {
      summary,
      tags,
      ...(description ? { description } : {}),
      ...(params ? { params } : {}),
      ...(querystring ? { querystring } : {}),
      ...(body ? { body } : {}),
      ...(response ? { response: { [r.status]: response } } : {}),
      ...(r.permission === 'public' ? { security: [] } : {}),
    },
    handler: async (request, reply) => {
      const result = await r.run(request, reply);
      if (reply.sent) return reply;
      if (result === undefined) return reply.code(204).send();
      return reply.code(r.status).send(result);
    },
  });
}

/** Passes the bytes through and fails with 413 once more than `limit` have arrived. */
function limitBytes(source: Readable, limit: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(errors.payloadTooLarge(limit));
      else callback(null, chunk);
    },
  });
  source.on('error', (e) => counter.destroy(e));
  counter.on('error', () => source.resume());
  return source.pipe(counter);
}
