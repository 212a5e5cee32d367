import { describe, expect, it } from 'vitest';
import type { InspectionStatus } from '../db/tables/inspection.ts';
import { isTandemError } from '../errors.ts';
import { checkTransition, type InspectionAction } from './inspections.machine.ts';

const states: InspectionStatus[] = ['queued', 'assigned', 'in_progress', 'completed', 'cancelled'];
const actions: InspectionAction[] = ['assign', 'start', 'complete'];

/** The whole table: which action is allowed from which state. */
const allowed: Record<InspectionAction, InspectionStatus[]> = {
  assign: ['queued', 'assigned'],
  start: ['assigned'],
  complete: ['in_progress'],
};

describe('inspection state machine', () => {
  const table = actions.flatMap((action) => states.map((state) => ({ action, state })));
  it.each(table)('$action from $state', ({ action, state }) => {
    let thrown: unknown;
    try {
      checkTransition(7, action, state);
    } catch (e) {
      thrown = e;
    }
    if (allowed[action].includes(state)) {
      expect(thrown).toBeUndefined();
      return;
    }
    expect(isTandemError(thrown) && thrown.status).toBe(409);
    expect(isTandemError(thrown) && thrown.details).toMatchObject({
      currentState: state,
      action,
      inspectionId: 7,
    });
    expect(String((thrown as Error).message)).toContain(`inspection 7 is ${state}`);
  });
});
