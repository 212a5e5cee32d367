/** Accounts: roles and permissions, users, sessions, API tokens, and their HTTP routes. */
export { accountsRoutes } from './accounts.routes.ts';
export {
  AccountsService,
  type ApiTokenView,
  type AuditEntryView,
  generatePassword,
  type UserView,
} from './accounts.service.ts';
export {
  isPermission,
  isRole,
  type Permission,
  permissionCatalogue,
  permissionSchema,
  permissions,
  permissionsOfRoles,
  type Role,
  roleCatalogue,
  rolePermissions,
  roleSchema,
  roles,
} from './permissions.ts';
export { actorOf, hasPermission, type Principal } from './principal.ts';
