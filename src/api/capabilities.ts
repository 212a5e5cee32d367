/**
 * The services and route modules the API serves. Adding a capability means adding its service
 * to `Services` and its route module to `capabilityRoutes`; the role-matrix test
 * (src/api/role-matrix.test.ts) then checks its permissions automatically.
 */
import path from 'node:path';
import { accountsRoutes } from '../accounts/accounts.routes.ts';
import { AccountsService } from '../accounts/accounts.service.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { FederationService, federationRoutes, loadOrCreateIdentity } from '../federation/index.ts';
import { CargoService } from '../ingest/cargo.service.ts';
import { ingestRoutes } from '../ingest/ingest.routes.ts';
import { AlertService, alertRoutes } from '../intel/index.ts';
import type { Logger } from '../logger.ts';
import { riskRoutes, WorklistService } from '../risk/index.ts';
import { profileRoutes } from '../risk/profiles.routes.ts';
import { RiskProfileService } from '../risk/profiles.service.ts';
import type { RouteModule } from './route-kit.ts';

export interface Services {
  alerts: AlertService;
  federation: FederationService;
  accounts: AccountsService;
  cargo: CargoService;
  worklist: WorklistService;
  profiles: RiskProfileService;
}

export interface ServiceContext {
  config: Config;
  database: Database;
  logger: Logger;
}

export function createServices({ config, database, logger }: ServiceContext): Services {
  return {
    alerts: new AlertService(database.db, config.agency.code),
    federation: new FederationService(
      database.db,
      loadOrCreateIdentity(config.dataDir, config.agency),
      logger,
    ),
    accounts: new AccountsService(database.db, { sessionHours: config.sessionHours, logger }),
    // Uploads are spooled to disk before ingest so that a large file never sits in memory.
    cargo: new CargoService(database, path.join(config.dataDir, 'uploads')),
    worklist: new WorklistService(database),
    profiles: new RiskProfileService(database.db),
  };
}

/** Every capability's routes, in the order they appear in the OpenAPI document. */
export function capabilityRoutes(services: Services, _context: ServiceContext): RouteModule[] {
  return [
    accountsRoutes(services.accounts),
    ingestRoutes(services.cargo),
    riskRoutes(services.worklist),
    profileRoutes(services.profiles),
    alertRoutes(services.alerts),
    federationRoutes(services.federation),
  ];
}
