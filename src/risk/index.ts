export { assessConsignments, assessPortDay, selectPortDay } from './assessment.service.ts';
export { pendingRiskEvents, type RiskWorker, startRiskWorker } from './assessment.worker.ts';
export { DEFAULT_PROFILES } from './profiles.seed.ts';
export { RiskProfileService } from './profiles.service.ts';
export { riskRoutes } from './risk.routes.ts';
export { type SelectionCandidate, type SelectionResult, selectForInspection } from './selection.ts';
export { WorklistService } from './worklist.service.ts';
