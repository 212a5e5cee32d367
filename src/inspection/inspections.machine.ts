/**
 * The life of an inspection: queued → assigned → in_progress → completed. An assignment can be
 * changed until the inspection starts; a completed or cancelled inspection never changes again.
 * Pure: the service asks here before it writes.
 */
import type { InspectionStatus } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';

export type InspectionAction = 'assign' | 'start' | 'complete';

/** The states each action may start from. */
export const allowedFrom: Readonly<Record<InspectionAction, readonly InspectionStatus[]>> = {
  assign: ['queued', 'assigned'],
  start: ['assigned'],
  complete: ['in_progress'],
};

/** What to do instead, by current state, for the error message. */
const nextStep: Readonly<Record<InspectionStatus, string>> = {
  queued: 'assign it first',
  assigned: 'start it first',
  in_progress: 'complete it',
  completed: 'it is completed and cannot change',
  cancelled: 'it was cancelled and cannot change',
};

/** Throws 409 `conflict` with the current state when `action` is not allowed from `status`. */
export function checkTransition(id: number, action: InspectionAction, status: InspectionStatus): void {
  if (allowedFrom[action].includes(status)) return;
  throw errors.conflict(`inspection ${id} is ${status}: cannot ${action} it; ${nextStep[status]}`, {
    inspectionId: id,
    action,
    currentState: status,
    allowedFrom: allowedFrom[action],
  });
}
