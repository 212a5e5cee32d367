/**
 * Roles and permissions. A route declares the one permission it needs; a person gets
 * permissions through roles, a machine through the scopes of its API token (a scope is a
 * permission). Capabilities add their permissions to the catalogue here, and to the roles that
 * need them, so that docs/api.md and the role-matrix test stay the single picture of who may
 * do what.
 */
import { z } from 'zod';

export const permissionSchema = z.enum([
  'ingest:write',
  'consignments:read',
  'containers:read',
  'quarantine:read',
  'users:manage',
  'tokens:manage',
  'audit:read',
  'release:query',
  'worklist:read',
  'assessments:read',
  'models:read',
  'models:write',
  'capacities:manage',
  'profiles:read',
  'profiles:write',
  'intel:read',
  'intel:write',
  'intel:approve',
  'partners:manage',
  'holds:read',
  'holds:write',
  'holds:override',
  'scanners:manage',
  'inspections:read',
  'inspections:write',
  'seizures:read',
  'seizures:write',
  'stats:read',
  'operations:manage',
]);

export type Permission = z.infer<typeof permissionSchema>;

/** All permissions, in catalogue order. */
export const permissions: readonly Permission[] = permissionSchema.options;

/** What each permission allows (shown in docs/api.md and the OpenAPI document). */
export const permissionCatalogue: Record<Permission, string> = {
  'ingest:write': 'submit manifests and container events (EDIFACT, CSV, JSON)',
  'consignments:read': 'read consignments, their parties, goods and containers',
  'containers:read': 'read containers and their movement events',
  'quarantine:read': 'read rejected ingest records and the reasons',
  'users:manage': 'create and list user accounts',
  'tokens:manage': 'create, list and revoke API tokens for machines',
  'audit:read': 'read the tamper-evident audit log',
  'release:query': 'ask the release gate whether a container may leave the terminal',
  'worklist:read': 'read the daily worklist of containers selected for inspection, and scanner capacities',
  'assessments:read': 'read risk assessments with their scores, explanations and reasons',
  'models:read': 'read risk model versions, their training periods and metrics',
  'models:write': 'promote a risk model to champion',
  'capacities:manage': 'set the scanner capacity of a port',
  'profiles:read': 'read risk profiles, their versions and backtests; check an expression',
  'profiles:write': 'create and change risk profiles (every change is a new, audited version)',
  'intel:read': 'read intelligence alerts (local and from partners) and their correlation hits',
  'intel:write': 'create, change and withdraw intelligence alerts',
  'intel:approve': 'approve sharing an alert with partners (four-eyes: not the author)',
  'partners:manage': "add partner agencies, set their sharing policies, read this instance's federation key",
  'holds:read': 'read holds, the release-gate log, overrides and barrier breaches',
  'holds:write':
    'place a manual hold on a container, select one by hand on the worklist, add a physical inspection to a hold; acknowledge a barrier breach',
  'holds:override': 'request or approve the override of a hold (two different officers, each with a reason)',
  'scanners:manage': 'configure scanners and their capacity per hour',
  'inspections:read': 'read the scan queues, inspections, their results, readings and attachments',
  'inspections:write':
    'work the scan queue: assign, start, complete; record results, readings and attachments',
  'seizures:read': 'read seizures, evidence items and their chain of custody',
  'seizures:write': 'record seizures, evidence items, photos and custody transfers',
  'stats:read': 'read and export statistics on seizures, inspections, hit rates and the barrier',
  'operations:manage':
    'create and cancel joint operations with partner agencies (shared risk profile, targets)',
};

export function isPermission(value: string): value is Permission {
  return permissionSchema.safeParse(value).success;
}

/** The people of DESIGN.md "Who uses it", and the terminal system as a machine role. */
export const roleSchema = z.enum([
  'targeting_officer',
  'inspector',
  'analyst',
  'liaison_officer',
  'terminal',
  'administrator',
]);

export type Role = z.infer<typeof roleSchema>;

/** All roles, in catalogue order. */
export const roles: readonly Role[] = roleSchema.options;

export const roleCatalogue: Record<Role, string> = {
  targeting_officer: 'reviews the worklist of containers selected for inspection; adds manual selections',
  inspector: 'scanner operator or inspector: works the scan queue, records results and seizures',
  analyst: 'intelligence analyst: alerts, modus-operandi reports, risk profiles, statistics',
  liaison_officer: 'decides what is shared with which partner; runs joint operations',
  terminal: 'terminal system (machine): may only ask the release gate',
  administrator: 'users, API tokens, partners, keys, scanners, capacities; reads the audit log',
};

export function isRole(value: string): value is Role {
  return roleSchema.safeParse(value).success;
}

const cargoReads: Permission[] = ['consignments:read', 'containers:read'];

/** Which permissions each role grants. Least privilege: a role gets what its work needs. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  targeting_officer: [
    'ingest:write',
    ...cargoReads,
    'quarantine:read',
    'worklist:read',
    'assessments:read',
    'models:read',
    'profiles:read',
    'intel:read',
    'holds:read',
    'holds:write',
    'holds:override',
    'inspections:read',
    'seizures:read',
    'stats:read',
  ],
  inspector: [
    ...cargoReads,
    'worklist:read',
    'assessments:read',
    'holds:read',
    'inspections:read',
    'inspections:write',
    'seizures:read',
    'seizures:write',
  ],
  analyst: [
    ...cargoReads,
    'quarantine:read',
    'worklist:read',
    'assessments:read',
    'models:read',
    'models:write',
    'profiles:read',
    'profiles:write',
    'intel:read',
    'intel:write',
    'holds:read',
    'inspections:read',
    'seizures:read',
    'stats:read',
  ],
  liaison_officer: [
    ...cargoReads,
    'intel:read',
    'intel:approve',
    'partners:manage',
    'stats:read',
    'operations:manage',
  ],
  terminal: ['release:query'],
  administrator: [
    'users:manage',
    'tokens:manage',
    'audit:read',
    'ingest:write',
    'quarantine:read',
    'models:read',
    'capacities:manage',
    'partners:manage',
    'scanners:manage',
  ],
};

/** The union of the permissions of the given roles; unknown role names grant nothing. */
export function permissionsOfRoles(roleNames: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const name of roleNames) {
    if (!isRole(name)) continue;
    for (const p of rolePermissions[name]) granted.add(p);
  }
  return permissions.filter((p) => granted.has(p));
}
