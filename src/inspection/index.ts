export { AttachmentService } from './attachments.service.ts';
export { breachRoutes } from './breaches.routes.ts';
export { BreachService } from './breaches.service.ts';
export { type BarrierWatch, drainBarrierEvents, startBarrierWatch } from './breaches.worker.ts';
export { type CustodyVerification, verifyCustody } from './custody.service.ts';
export { releaseGateRoutes } from './gate.routes.ts';
export { ReleaseGate } from './gate.service.ts';
export { type GateAnswer, HOLD_CODES, RELEASE_CODES } from './gate.ts';
export {
  activeHoldOf,
  addRequirement,
  DEFAULT_DWELL_HOURS,
  type HoldPlacement,
  placeHolds,
  recordHoldOutcome,
  requiredInspections,
  settleHold,
} from './holds.repo.ts';
export { holdRoutes } from './holds.routes.ts';
export { HoldsService } from './holds.service.ts';
export { inspectionRoutes } from './inspections.routes.ts';
export { InspectionService } from './inspections.service.ts';
export { ReadingService } from './readings.service.ts';
export { ScannerService } from './scanners.service.ts';
export { seizureRoutes } from './seizures.routes.ts';
export { detectionSourceOf, type Seizure, type SeizureInput, SeizureService } from './seizures.service.ts';
