/**
 * Route kit: how a capability declares its HTTP routes. Each route states its permission, its
 * zod schemas and a one-line handler that calls one service method; the server turns the
 * declarations into Fastify routes, OpenAPI entries and authorisation checks.
 *
 *   export function containerRoutes(tracking: TrackingService): RouteModule {
 *     return routeModule('containers', [
 *       route('GET', '/v1/containers/:number', 'containers:read')
 *         .summary('One container with its movement events')
 *         .params(z.object({ number: z.string() }))
 *         .handle(({ params }) => tracking.container(params.number)),
 *       route('POST', '/v1/ingest', 'ingest:write')
 *         .summary('Submit a manifest or event file')
 *         .rawBody()                       // body is { stream, contentType }, never buffered
 *         .status(201)
 *         .handle(({ body, actor }) => ingest.ingestStream(body.stream, body.contentType, actor)),
 *     ]);
 *   }
 *
 * Query strings arrive as text: use z.coerce.number() and friends in `.query()` schemas. A
 * handler that returns undefined answers 204. Validation failures answer 400
 * `validation_failed` with the zod issues; errors thrown from services are TandemErrors and keep
 * their status and code.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Permission } from '../accounts/permissions.ts';
import { actorOf, type Principal } from '../accounts/principal.ts';
import { errors } from '../errors.ts';

export type { Permission } from '../accounts/permissions.ts';
export type { Principal } from '../accounts/principal.ts';

/**
 * What a route needs: a permission, `'authenticated'` (any signed-in user or valid token) or
 * `'public'` (no credentials; say why in a comment where you use it).
 */
export type RoutePermission = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; null when no valid credentials were sent. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Every route declares one; the server refuses to start otherwise. */
    permission?: RoutePermission;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw request body: the bytes as they arrive, with the declared media type. */
export interface RawBody {
  stream: Readable;
  /** The media type without parameters, e.g. `application/edifact`. */
  contentType: string;
}

export interface RouteContext<P, Q, B> {
  /** The caller; reading it on a public route without credentials answers 401. */
  readonly principal: Principal;
  /** The caller as written in the audit log (`user:alice`, `token:3:terminal-psa`). */
  readonly actor: string;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

type JsonSchema = Record<string, unknown>;

/** A declared route, ready for the server: what `route(...).handle(...)` returns. */
export interface DeclaredRoute {
  readonly method: HttpMethod;
  /** Fastify path syntax, e.g. `/v1/tokens/:id`. */
  readonly url: string;
  readonly permission: RoutePermission;
  readonly rawBody: boolean;
  readonly status: number;
  /** OpenAPI fragments (JSON Schema from the zod schemas). */
  readonly openapi: {
    summary: string;
    description?: string;
    tags: string[];
    params?: JsonSchema;
    querystring?: JsonSchema;
    body?: JsonSchema;
    response?: JsonSchema;
  };
  run(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** A capability's routes, registered by the server in one plugin. */
export interface RouteModule {
  readonly name: string;
  readonly routes: readonly DeclaredRoute[];
}

type Parser<T> = (request: FastifyRequest) => T;

interface BuilderState<P, Q, B> {
  method: HttpMethod;
  url: string;
  permission: RoutePermission;
  status: number;
  rawBody: boolean;
  openapi: DeclaredRoute['openapi'];
  params: Parser<P>;
  query: Parser<Q>;
  body: Parser<B>;
}

/** Builds one route; each step returns a new builder, `handle` finishes it. */
export class RouteBuilder<P, Q, B> {
  constructor(private readonly state: BuilderState<P, Q, B>) {}

  summary(summary: string, description?: string): RouteBuilder<P, Q, B> {
    const openapi = { ...this.state.openapi, summary, ...(description ? { description } : {}) };
    return new RouteBuilder({ ...this.state, openapi });
  }

  tags(...tags: string[]): RouteBuilder<P, Q, B> {
    return new RouteBuilder({ ...this.state, openapi: { ...this.state.openapi, tags } });
  }

  /** The success status (default 200; 204 is used anyway when the handler returns nothing). */
  status(status: number): RouteBuilder<P, Q, B> {
    return new RouteBuilder({ ...this.state, status });
  }

  params<S extends z.ZodType>(schema: S): RouteBuilder<z.output<S>, Q, B> {
    return new RouteBuilder({
      ...this.state,
      params: (request) => schema.parse(request.params),
      openapi: { ...this.state.openapi, params: jsonSchemaOf(schema) },
    });
  }

  query<S extends z.ZodType>(schema: S): RouteBuilder<P, z.output<S>, B> {
    return new RouteBuilder({
      ...this.state,
      query: (request) => schema.parse(request.query),
      openapi: { ...this.state.openapi, querystring: jsonSchemaOf(schema) },
    });
  }

  /** A JSON body validated by the schema. */
  body<S extends z.ZodType>(schema: S): RouteBuilder<P, Q, z.output<S>> {
    return new RouteBuilder({
      ...this.state,
      rawBody: false,
      body: (request) => schema.parse(request.body),
      openapi: { ...this.state.openapi, body: jsonSchemaOf(schema) },
    });
  }

  /**
   * The body as a byte stream, not buffered, limited to the configured ingest size. Accepted
   * media types: RAW_BODY_TYPES (JSON too: it is streamed, not parsed, on such a route).
   */
  rawBody(): RouteBuilder<P, Q, RawBody> {
    return new RouteBuilder({
      ...this.state,
      rawBody: true,
      body: rawBodyOf,
      openapi: { ...this.state.openapi, body: { type: 'string', format: 'binary' } },
    });
  }

  /** Documents the success answer in OpenAPI (the answer is not filtered by it). */
  response(schema: z.ZodType): RouteBuilder<P, Q, B> {
    return new RouteBuilder({
      ...this.state,
      openapi: { ...this.state.openapi, response: jsonSchemaOf(schema, 'output') },
    });
  }

  handle(handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown> | unknown): DeclaredRoute {
    const { params, query, body, openapi, ...rest } = this.state;
    return {
      ...rest,
      openapi,
      async run(request, reply) {
        const ctx: RouteContext<P, Q, B> = {
          get principal(): Principal {
            if (!request.principal) throw errors.unauthenticated();
            return request.principal;
          },
          get actor(): string {
            return actorOf(this.principal);
          },
          params: params(request),
          query: query(request),
          body: body(request),
          request,
          reply,
        };
        return handler(ctx);
      },
    };
  }
}

/** Starts a route declaration: method, path (Fastify syntax) and the permission it needs. */
export function route(
  method: HttpMethod,
  url: string,
  permission: RoutePermission,
): RouteBuilder<undefined, undefined, undefined> {
  const none = (): undefined => undefined;
  return new RouteBuilder({
    method,
    url,
    permission,
    status: 200,
    rawBody: false,
    openapi: { summary: `${method} ${url}`, tags: [] },
    params: none,
    query: none,
    body: none,
  });
}

/** Groups a capability's routes; every route gets the module name as its OpenAPI tag by default. */
export function routeModule(name: string, routes: readonly DeclaredRoute[]): RouteModule {
  return {
    name,
    routes: routes.map((r) =>
      r.openapi.tags.length > 0 ? r : { ...r, openapi: { ...r.openapi, tags: [name] } },
    ),
  };
}

/** Media types a raw-body route accepts. */
export const RAW_BODY_TYPES = [
  'application/edifact',
  'text/csv',
  'text/plain',
  'application/octet-stream',
  'application/json',
  'application/x-ndjson',
  'application/jsonl',
];

function rawBodyOf(request: FastifyRequest): RawBody {
  if (!(request.body instanceof Readable)) throw errors.badRequest('the request has no body');
  const contentType = (request.headers['content-type'] ?? 'application/octet-stream')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  return { stream: request.body, contentType: contentType || 'application/octet-stream' };
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, for the OpenAPI document only. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}
