/** Who is calling: a signed-in person or a machine holding an API token. */
import type { Permission, Role } from './permissions.ts';

export interface Principal {
  kind: 'user' | 'token';
  /** The users.id or api_tokens.id. */
  id: number;
  /** The username, or the token's name. */
  name: string;
  /** A user's roles; empty for tokens. */
  roles: Role[];
  /** What the principal may do: from the roles, or the token's scopes. */
  permissions: Permission[];
}

/** The actor written to the audit log, e.g. `user:alice` or `token:3:terminal-psa`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.name}` : `token:${principal.id}:${principal.name}`;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}
