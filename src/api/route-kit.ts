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
 * Files go both ways: `.bytesBody({ maxBytes, mediaTypes })` hands the handler the whole body as
 * bytes (for evidence files and photos, which are checked and hashed whole; limited per route), and
 * a handler that returns `fileAnswer(bytes, mediaType, fileName)` answers those bytes instead of
 * JSON (attachment contents, CSV and XLSX exports).
 *
 *       route('POST', '/v1/inspections/:id/attachments', 'inspections:write')
 *         .bytesBody({ maxBytes: config.attachmentMaxBytes, mediaTypes: ['application/octet-stream', 'image/*'] })
 *         .handle(({ body }) => attachments.add(body.bytes, body.contentType)),
 *       route('GET', '/v1/attachments/:id/content', 'inspections:read')
 *         .handle(async ({ params }) => { const f = await attachments.content(params.id); return fileAnswer(f.bytes, f.mediaType, f.fileName); }),
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

/** A whole request body as bytes (`.bytesBody()` routes), with the declared media type. */
export interface BytesBody {
  bytes: Buffer;
  /** The media type without parameters, e.g. `image/png`. */
  contentType: string;
}

/** What a `.bytesBody()` route accepts: at most `maxBytes` (413 beyond), of these media types (415 otherwise). */
export interface BytesBodyOptions {
  maxBytes: number;
  /** Media types such as `application/pdf`, or a whole family such as `image/*`. */
  mediaTypes: readonly string[];
}

/** An answer of bytes instead of JSON: return `fileAnswer(...)` from a handler. */
export class FileAnswer {
  constructor(
    readonly bytes: Uint8Array,
    readonly mediaType: string,
    /** Offered to the client as the download name (Content-Disposition). */
    readonly fileName?: string,
  ) {}
}

/** Answers the bytes with their media type (and a download name) instead of JSON. */
export function fileAnswer(bytes: Uint8Array, mediaType: string, fileName?: string): FileAnswer {
  return new FileAnswer(bytes, mediaType, fileName);
}

/** Content-type parser matchers of `BytesBodyOptions.mediaTypes` (`image/*` becomes a pattern). */
export function mediaTypeMatchers(mediaTypes: readonly string[]): (string | RegExp)[] {
  return mediaTypes.map((t) =>
    t.endsWith('/*') ? new RegExp(`^${t.slice(0, -2).replace(/[.+]/g, '\\$&')}/[\\w.+-]+`, 'i') : t,
  );
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
  /** Set on `.bytesBody()` routes: the server buffers the body, within these limits. */
  readonly bytesBody?: BytesBodyOptions;
  /** A JSON body limit in bytes other than the server's default (1 MiB). */
  readonly bodyLimit?: number;
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
  bytesBody?: BytesBodyOptions;
  bodyLimit?: number;
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

  /**
   * The whole body as bytes (a Buffer), refused with 413 beyond `maxBytes` and with 415 for
   * other media types. For files that are checked and hashed whole (evidence, photos); large
   * streams (manifests) use `rawBody()`.
   */
  bytesBody(options: BytesBodyOptions): RouteBuilder<P, Q, BytesBody> {
    return new RouteBuilder({
      ...this.state,
      rawBody: false,
      bytesBody: options,
      body: bytesBodyOf,
      openapi: { ...this.state.openapi, body: { type: 'string', format: 'binary' } },
    });
  }

  /** Accepts a JSON body of up to `bytes` (the server's default is 1 MiB). */
  bodyLimit(bytes: number): RouteBuilder<P, Q, B> {
    return new RouteBuilder({ ...this.state, bodyLimit: bytes });
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
        const result = await handler(ctx);
        if (!(result instanceof FileAnswer)) return result;
        reply.code(rest.status).type(result.mediaType).header('x-content-type-options', 'nosniff');
        if (result.fileName !== undefined)
          reply.header('content-disposition', contentDisposition(result.fileName));
        return reply.send(Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength));
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

function bytesBodyOf(request: FastifyRequest): BytesBody {
  if (!Buffer.isBuffer(request.body))
    throw errors.badRequest('the request has no body: send the file as the body');
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return { bytes: request.body, contentType };
}

/** `attachment; filename="..."` with an ASCII fallback and the exact name in RFC 5987 form. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, for the OpenAPI document only. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}
