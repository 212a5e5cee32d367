export {
  addRequirement,
  DEFAULT_DWELL_HOURS,
  type HoldPlacement,
  placeHolds,
  recordHoldOutcome,
  requiredInspections,
  settleHold,
} from './holds.repo.ts';
