/**
 * Authentication and authorisation. Every route declares a permission in its options
 * (`config.permission`); a route without one stops the server at start-up, so a forgotten check
 * cannot ship. One onRequest hook, running before the body is read, finds the caller from the
 * bearer token or session cookie and answers 401 (no valid credentials) or 403 (lacks the
 * permission).
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { hasPermission } from '../accounts/principal.ts';
import { errors } from '../errors.ts';
import type { RoutePermission } from './route-kit.ts';
import { presentedSecret } from './session-cookie.ts';

/** A registered route and the permission it needs (the role-matrix test walks these). */
export interface RouteRecord {
  method: HTTPMethods;
  url: string;
  permission: RoutePermission;
}

export interface AccessOptions {
  /** URL prefixes served by third-party plugins that are public by nature (the API docs). */
  publicPrefixes: readonly string[];
}

/**
 * Installs the checks and returns the catalogue of routes, filled as routes are registered.
 * Call before registering any route.
 */
export function installAccessControl(
  app: FastifyInstance,
  accounts: AccountsService,
  options: AccessOptions,
): RouteRecord[] {
  const catalogue: RouteRecord[] = [];
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let permission = route.config?.permission;
    if (permission === undefined && options.publicPrefixes.some((prefix) => route.url.startsWith(prefix))) {
      permission = 'public';
      route.config = { ...route.config, permission };
    }
    if (permission === undefined) {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no permission: set config.permission ` +
          `(a permission, 'authenticated' or 'public'), or declare it with the route kit`,
      );
    }
    // Fastify adds a HEAD twin to every GET; it shares the GET's options, so it is covered.
    for (const method of methods)
      if (method !== 'HEAD') catalogue.push({ method, url: route.url, permission });
  });

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const permission = request.routeOptions.config.permission;
    const secret = presentedSecret(request);
    request.principal = secret ? await accounts.authenticate(secret) : null;
    if (permission === 'public') return;
    if (!request.principal) {
      throw errors.unauthenticated(
        secret ? 'the session has expired, or the token is unknown, expired or revoked' : undefined,
      );
    }
    if (permission === 'authenticated') return;
    if (permission === undefined) throw errors.forbidden('(undeclared)');
    if (!hasPermission(request.principal, permission)) throw errors.forbidden(permission);
  });

  return catalogue;
}
