/** Where a caller's secret comes from (Authorization header or session cookie), and the cookie itself. */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'tandem_session';

/** The bearer token or session cookie presented with the request, if any. */
export function presentedSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  // Parsed here rather than by the cookie plugin's hook, which would run after the access check.
  const cookies = request.headers.cookie;
  if (!cookies) return undefined;
  return request.server.parseCookie(cookies)[SESSION_COOKIE] || undefined;
}

/**
 * Sets the session cookie: HttpOnly so page scripts cannot read it, SameSite=Strict so other
 * sites cannot make the browser send it (the CSRF defence), Secure whenever served over HTTPS.
 */
export function setSessionCookie<T extends { token: string; expiresAt: Date }>(
  reply: FastifyReply,
  session: T,
): T {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: 'auto',
    path: '/',
    expires: session.expiresAt,
  });
  return session;
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
