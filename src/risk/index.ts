export { riskRoutes } from './risk.routes.ts';
export { WorklistService } from './worklist.service.ts';
export { startRiskWorker, type RiskWorker } from './assessment.worker.ts';
export { assessPortDay, assessConsignments, selectPortDay } from './assessment.service.ts';
export { selectForInspection, type SelectionCandidate, type SelectionResult } from './selection.ts';
