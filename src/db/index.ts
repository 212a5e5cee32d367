export { type AuditEntry, verifyAudit, writeAudit } from './audit.ts';
export {
  BULK_SESSIONS,
  type BulkSession,
  type Database,
  type DatabaseKind,
  openDatabase,
} from './database.ts';
export { listMigrations, migrate, migrationStatus } from './migrate.ts';
export { consumeEvents, emitEvent, emitEvents, type OutboxEvent, pendingEvents } from './outbox.ts';
export type { DB } from './schema.ts';
