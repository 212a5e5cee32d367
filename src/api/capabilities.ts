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
import {
  AttachmentService,
  BreachService,
  breachRoutes,
  HoldsService,
  holdRoutes,
  InspectionService,
  inspectionRoutes,
  ReadingService,
  ReleaseGate,
  releaseGateRoutes,
  ScannerService,
  SeizureService,
  seizureRoutes,
} from '../inspection/index.ts';
import { feedbackRoutes } from '../intel/feedback.routes.ts';
import { FeedbackService } from '../intel/feedback.ts';
import { AlertService, alertRoutes } from '../intel/index.ts';
import { jointOperationRoutes } from '../intel/joint-operations.routes.ts';
import { JointOperationService } from '../intel/joint-operations.ts';
import { jointStatsRoutes } from '../intel/joint-stats.routes.ts';
import { JointStatsService } from '../intel/joint-stats.ts';
import { moReportRoutes } from '../intel/mo-reports.routes.ts';
import { MoReportService } from '../intel/mo-reports.ts';
import type { Logger } from '../logger.ts';
import { riskRoutes, WorklistService } from '../risk/index.ts';
import { profileRoutes } from '../risk/profiles.routes.ts';
import { RiskProfileService } from '../risk/profiles.service.ts';
import { StatsService, statsRoutes } from '../stats/index.ts';
import type { RouteModule } from './route-kit.ts';

export interface Services {
  alerts: AlertService;
  feedback: FeedbackService;
  moReports: MoReportService;
  jointStats: JointStatsService;
  jointOperations: JointOperationService;
  federation: FederationService;
  accounts: AccountsService;
  cargo: CargoService;
  worklist: WorklistService;
  profiles: RiskProfileService;
  seizures: SeizureService;
  scanners: ScannerService;
  inspections: InspectionService;
  readings: ReadingService;
  attachments: AttachmentService;
  stats: StatsService;
  releaseGate: ReleaseGate;
  holds: HoldsService;
  breaches: BreachService;
}

export interface ServiceContext {
  config: Config;
  database: Database;
  logger: Logger;
}

export function createServices({ config, database, logger }: ServiceContext): Services {
  return {
    alerts: new AlertService(database.db, config.agency.code),
    feedback: new FeedbackService(database.db),
    moReports: new MoReportService(database.db, config.agency.code),
    jointStats: new JointStatsService(database.db, config.agency.code),
    jointOperations: new JointOperationService(database.db, config.agency.code),
    federation: new FederationService(
      database.db,
      loadOrCreateIdentity(config.dataDir, config.agency),
      logger,
    ),
    // Every request is authenticated: its few short statements go before queued bulk work.
    accounts: new AccountsService(database.urgentDb ?? database.db, {
      sessionHours: config.sessionHours,
      logger,
    }),
    // Uploads are spooled to disk before ingest so that a large file never sits in memory.
    cargo: new CargoService(database, path.join(config.dataDir, 'uploads')),
    worklist: new WorklistService(database),
    profiles: new RiskProfileService(database.db),
    seizures: new SeizureService(database.db),
    scanners: new ScannerService(database.db),
    inspections: new InspectionService(database.db),
    readings: new ReadingService(database.db),
    attachments: new AttachmentService(database.db),
    stats: new StatsService(database.db),
    releaseGate: new ReleaseGate(database.urgentDb ?? database.db),
    holds: new HoldsService(database.db, config.agency.ports),
    breaches: new BreachService(database.db),
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
    feedbackRoutes(services.feedback),
    moReportRoutes(services.moReports),
    jointStatsRoutes(services.jointStats),
    jointOperationRoutes(services.jointOperations),
    federationRoutes(services.federation),
    releaseGateRoutes(services.releaseGate),
    holdRoutes(services.holds),
    breachRoutes(services.breaches),
    inspectionRoutes(services, { attachmentMaxBytes: _context.config.attachmentMaxBytes }),
    seizureRoutes(services.seizures, { photoMaxBytes: _context.config.attachmentMaxBytes }),
    statsRoutes(services.stats),
  ];
}
