import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleScanQueue, type WaitingBox } from './scanners.queue.ts';

const now = new Date('2026-03-02T08:00:00Z');
const minutes = (m: number): Date => new Date(now.getTime() + m * 60_000);

/** A box: id, risk, deadline in minutes from now (null: none), queued minutes before now. */
const box = (id: number, risk: number, deadlineIn: number | null, queuedAgo = 0): WaitingBox => ({
  id,
  priorityScore: risk,
  deadline: deadlineIn === null ? null : minutes(deadlineIn),
  queuedAt: minutes(-queuedAgo),
});

interface Case {
  name: string;
  boxes: WaitingBox[];
  /** Boxes an hour (6: a 10-minute slot). */
  capacity: number;
  order: number[];
  placedBy: string[];
  late: number[];
}

const cases: Case[] = [
  {
    name: 'without deadlines the riskiest box goes first',
    boxes: [box(1, 0.2, null), box(2, 0.9, null), box(3, 0.5, null)],
    capacity: 6,
    order: [2, 3, 1],
    placedBy: ['risk', 'risk', 'risk'],
    late: [],
  },
  {
    name: 'equal risk: the earlier deadline, then the box queued first',
    boxes: [box(1, 0.5, null, 10), box(2, 0.5, 600), box(3, 0.5, null, 30)],
    capacity: 6,
    order: [2, 3, 1],
    placedBy: ['risk', 'risk', 'risk'],
    late: [],
  },
  {
    name: 'a box jumps ahead of riskier ones only when waiting would make it miss its deadline',
    // 10-minute slots: box 5 must be done within the first slot, box 3 within the second.
    boxes: [box(1, 0.9, null), box(2, 0.8, 65), box(3, 0.3, 25), box(4, 0.2, 5), box(5, 0.5, 15)],
    capacity: 6,
    order: [5, 3, 1, 2, 4],
    placedBy: ['deadline', 'deadline', 'risk', 'risk', 'late'],
    late: [4],
  },
  {
    name: 'a deadline with slack waits behind riskier boxes until it has to go',
    boxes: [box(1, 0.9, null), box(2, 0.8, null), box(3, 0.1, 30)],
    capacity: 6,
    order: [1, 2, 3],
    placedBy: ['risk', 'risk', 'risk'],
    late: [],
  },
  {
    name: 'when two boxes compete for the one slot before their deadline, the riskier one gets it',
    boxes: [box(1, 0.4, 12), box(2, 0.7, 12), box(3, 0.9, null)],
    capacity: 6,
    order: [2, 3, 1],
    placedBy: ['deadline', 'risk', 'late'],
    late: [1],
  },
  {
    name: 'a past deadline is late whatever its risk',
    boxes: [box(1, 0.99, -30), box(2, 0.1, null)],
    capacity: 20,
    order: [2, 1],
    placedBy: ['risk', 'late'],
    late: [1],
  },
  {
    name: 'capacity sets the slot: at 60 boxes an hour every deadline here is met by risk order',
    boxes: [box(1, 0.9, null), box(2, 0.8, null), box(3, 0.3, 5)],
    capacity: 60,
    order: [1, 2, 3],
    placedBy: ['risk', 'risk', 'risk'],
    late: [],
  },
];

describe('scan queue order', () => {
  it.each(cases)('$name', ({ boxes, capacity, order, placedBy, late }) => {
    const scheduled = scheduleScanQueue(boxes, capacity, now);
    expect(scheduled.map((s) => s.box.id)).toEqual(order);
    expect(scheduled.map((s) => s.placedBy)).toEqual(placedBy);
    expect(scheduled.filter((s) => s.willMissDeadline).map((s) => s.box.id)).toEqual(late);
  });

  it('estimates back-to-back slots at the capacity per hour, from when the scanner is free', () => {
    const scheduled = scheduleScanQueue([box(1, 0.9, null), box(2, 0.5, null)], 4, minutes(20));
    expect(scheduled.map((s) => [s.estimatedStart.toISOString(), s.estimatedEnd.toISOString()])).toEqual([
      [minutes(20).toISOString(), minutes(35).toISOString()],
      [minutes(35).toISOString(), minutes(50).toISOString()],
    ]);
  });

  it('keeps on time the set of boxes of greatest total risk, and misses no deadline it could meet', () => {
    const boxesArb = fc.array(
      fc.record({
        risk: fc.integer({ min: 1, max: 100 }),
        deadline: fc.option(fc.integer({ min: -10, max: 70 }), { nil: null }),
      }),
      { minLength: 1, maxLength: 7 },
    );
    fc.assert(
      fc.property(boxesArb, (specs) => {
        const boxes = specs.map((s, i) => box(i + 1, s.risk, s.deadline));
        const scheduled = scheduleScanQueue(boxes, 6, now);
        expect(new Set(scheduled.map((s) => s.box.id)).size).toBe(boxes.length);
        const onTimeRisk = scheduled
          .filter((s) => !s.willMissDeadline)
          .reduce((sum, s) => sum + s.box.priorityScore, 0);
        expect(onTimeRisk).toBe(bestOnTimeRisk(boxes, 10));
        // Late boxes are exactly those placed last as late.
        for (const s of scheduled) expect(s.willMissDeadline).toBe(s.placedBy === 'late');
      }),
      { numRuns: 300 },
    );
  });
});

/** Brute force: the greatest total risk of a subset that can all meet their deadlines (EDF check). */
function bestOnTimeRisk(boxes: WaitingBox[], slotMinutes: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << boxes.length; mask++) {
    const subset = boxes.filter((_, i) => mask & (1 << i));
    const byDeadline = [...subset].sort(
      (a, b) =>
        (a.deadline?.getTime() ?? Number.POSITIVE_INFINITY) -
        (b.deadline?.getTime() ?? Number.POSITIVE_INFINITY),
    );
    const feasible = byDeadline.every(
      (b, k) => b.deadline === null || now.getTime() + (k + 1) * slotMinutes * 60_000 <= b.deadline.getTime(),
    );
    if (feasible)
      best = Math.max(
        best,
        subset.reduce((sum, b) => sum + b.priorityScore, 0),
      );
  }
  return best;
}
