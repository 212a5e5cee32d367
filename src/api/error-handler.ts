/**
 * One error format for every answer: `{"error":{"code","message","details"}}`. TandemErrors keep
 * their code and status; zod issues become 400 validation_failed; Fastify's own request errors
 * get stable codes; anything else is logged and answered 500 without internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors, isTandemError, type TandemError } from '../errors.ts';
// Plain-language messages for zod's checks in every validation error this handler answers.
import '../lib/zod-messages.ts';

/** Maps any thrown value to the TandemError the client sees. */
export function toTandemError(
  error: unknown,
  request: { bodyLimit?: number; contentType?: string } = {},
): TandemError {
  if (isTandemError(error)) return error;
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message,
    }));
    // The message names each problem ("limit: must be a number"), so a person needs no details.
    const said = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return errors.validation(`the request is not valid: ${said}`, { issues });
  }
  if (!isFastifyError(error)) return errors.internal();
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(request.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedFormat(
        `this route does not accept the media type ${request.contentType ?? '(none)'}`,
        {
          contentType: request.contentType ?? null,
        },
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidJson(error.message);
  }
  // JSON.parse failures of the default parser carry statusCode 400 and no FST code.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return errors.invalidJson(error.message);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return errors.badRequest(error.message, { reason: error.code ?? 'bad_request' });
  return errors.internal();
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('code' in error || 'statusCode' in error);
}

/** Installs the error and not-found handlers on the server. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const mapped = toTandemError(error, {
      bodyLimit: request.routeOptions.bodyLimit,
      contentType: request.headers['content-type'],
    });
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: mapped.code, status: mapped.status }, mapped.message);
    return reply.code(mapped.status).send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errors.notFound('route', `${request.method} ${request.url.split('?')[0]}`).toJSON()),
  );
}
