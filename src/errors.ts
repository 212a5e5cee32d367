/**
 * Typed errors with stable codes. Every error a user or a client can meet is made here, with
 * the HTTP status it maps to and details to act on (file, line, field, value, expectation).
 */
export interface ErrorDetails {
  [key: string]: unknown;
}

export class TandemError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'TandemError';
  }

  toJSON(): { error: { code: string; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const errors = {
  badRequest: (message: string, details?: ErrorDetails) =>
    new TandemError('bad_request', message, 400, details),
  invalidJson: (reason: string) =>
    new TandemError('invalid_json', `the body is not valid JSON: ${reason}`, 400),
  validation: (message: string, details?: ErrorDetails) =>
    new TandemError('validation_failed', message, 400, details),
  unauthenticated: (message = 'sign in or send a valid API token') =>
    new TandemError('unauthenticated', message, 401),
  forbidden: (permission: string) =>
    new TandemError('forbidden', `this action needs the permission "${permission}"`, 403, { permission }),
  invalidContainerNumber: (message: string, details?: ErrorDetails) =>
    new TandemError('invalid_container_number', message, 400, details),
  notFound: (what: string, id: string) =>
    new TandemError('not_found', `${what} ${id} was not found`, 404, { what, id }),
  conflict: (message: string, details?: ErrorDetails) => new TandemError('conflict', message, 409, details),
  /** Four-eyes: the approver wrote the version being approved. */
  fourEyesSamePerson: (actor: string) =>
    new TandemError(
      'four_eyes_same_person',
      `the approval must come from someone other than ${actor}, who wrote this version`,
      403,
      { author: actor },
    ),
  payloadTooLarge: (limit: number) =>
    new TandemError('payload_too_large', `the request body is larger than ${limit} bytes`, 413, { limit }),
  unsupportedFormat: (message: string, details?: ErrorDetails) =>
    new TandemError('unsupported_format', message, 415, details),
  databaseUnavailable: (message: string, details?: ErrorDetails) =>
    new TandemError('database_unavailable', message, 503, details),
  internal: (message = 'internal error; the server log has the details') =>
    new TandemError('internal', message, 500),
};

export function isTandemError(e: unknown): e is TandemError {
  return e instanceof TandemError;
}
