/**
 * The order of a scanner's queue: risk first, as far as the deadlines allow.
 *
 * A scanner works one box at a time at its capacity per hour, so the queue is a sequence of
 * equal slots of `3600 / capacityPerHour` seconds starting when the scanner is next free. Each
 * waiting box has a risk (the inspection's priority score) and may have a deadline (the vessel's
 * departure, or the end of the normal dwell): it is on time when its slot ends by the deadline.
 * This is scheduling unit-time tasks with deadlines and weights, whose on-time sets form a
 * matroid (Cormen, Leiserson, Rivest, Stein, Introduction to Algorithms, 3rd ed., section 16.5
 * "A task-scheduling problem as a matroid"). Two greedy passes:
 *
 * 1. Which boxes can make their deadlines. In deadline order, each box joins the on-time set;
 *    when the set no longer fits before that deadline (k boxes need k slots), the lowest-risk
 *    box of the set leaves it. What stays is the on-time set of greatest total risk; the boxes
 *    that left would miss their deadline in any order that keeps the riskier boxes on time.
 * 2. The order of the on-time set. Slot by slot, take the riskiest box whose taking now still
 *    lets every other on-time box make its deadline. With N(x) the number of remaining boxes
 *    due by slot x and j the current slot, the rest stays feasible iff no deadline x earlier
 *    than the chosen box's is tight (N(x) = x - j + 1); so the candidates are the boxes due no
 *    later than the earliest tight deadline. A box thus jumps ahead of riskier ones only when
 *    waiting would make it miss its deadline.
 *
 * The boxes that cannot make their deadline follow, riskiest first (they stay held: a missed
 * deadline keeps the box at the terminal, it never lets it out). Ties go to the earlier
 * deadline, then to the box queued first. Pure: no I/O, no clock.
 */

export interface WaitingBox {
  id: number;
  /** Risk: higher is scanned earlier. */
  priorityScore: number;
  deadline: Date | null;
  queuedAt: Date;
}

export interface ScheduledBox<T extends WaitingBox> {
  box: T;
  estimatedStart: Date;
  estimatedEnd: Date;
  /** True when the box's slot ends after its deadline. */
  willMissDeadline: boolean;
  /**
   * Why the box is where it is: `risk` (the riskiest box left), `deadline` (ahead of riskier boxes
   * so that it makes its deadline), `late` (cannot make its deadline; after the boxes that can).
   */
  placedBy: 'risk' | 'deadline' | 'late';
}

interface Entry<T> {
  box: T;
  rank: number;
  due: number;
}

/** Compares numbers that may be infinite (a plain difference of two infinities is NaN). */
const compare = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : 0);

const byRisk = <T extends WaitingBox>(a: T, b: T): number =>
  compare(b.priorityScore, a.priorityScore) ||
  compare(
    a.deadline?.getTime() ?? Number.POSITIVE_INFINITY,
    b.deadline?.getTime() ?? Number.POSITIVE_INFINITY,
  ) ||
  compare(a.queuedAt.getTime(), b.queuedAt.getTime()) ||
  a.id - b.id;

/**
 * Orders the waiting boxes for a scanner that is free at `freeAt` and scans `capacityPerHour`
 * boxes an hour, and estimates each box's slot.
 */
export function scheduleScanQueue<T extends WaitingBox>(
  boxes: readonly T[],
  capacityPerHour: number,
  freeAt: Date,
): ScheduledBox<T>[] {
  const slotMs = 3_600_000 / capacityPerHour;
  const start = freeAt.getTime();
  // Each box with the last slot (1-based) that still ends by its deadline (Infinity without
  // one) and its rank by risk (0 = riskiest), so the passes compare plain numbers.
  const entries: Entry<T>[] = [...boxes].sort(byRisk).map((box, rank) => ({
    box,
    rank,
    due: box.deadline
      ? Math.floor((box.deadline.getTime() - start) / slotMs + 1e-9)
      : Number.POSITIVE_INFINITY,
  }));
  const byDue = (a: Entry<T>, b: Entry<T>): number => compare(a.due, b.due) || a.rank - b.rank;

  // Pass 1: the on-time set of greatest total risk.
  const onTime: Entry<T>[] = [];
  const late: Entry<T>[] = [];
  for (const e of [...entries].sort(byDue)) {
    onTime.push(e);
    if (onTime.length <= e.due) continue;
    let weakest = 0;
    for (let i = 1; i < onTime.length; i++) {
      if ((onTime[i] as Entry<T>).rank > (onTime[weakest] as Entry<T>).rank) weakest = i;
    }
    late.push(...onTime.splice(weakest, 1));
  }

  // Pass 2: riskiest first among the boxes that can go now without making another one late.
  const order: { box: T; placedBy: ScheduledBox<T>['placedBy'] }[] = [];
  const remaining = [...onTime].sort(byDue);
  const taken = new Set<number>();
  const byRank = [...onTime].sort((a, b) => a.rank - b.rank);
  let riskiest = 0;
  for (let slot = 1; remaining.length > 0; slot++) {
    // The earliest tight deadline x: N(x) = x - slot + 1 once every box due by x is counted.
    let limit = Number.POSITIVE_INFINITY;
    for (let k = 0; k < remaining.length; k++) {
      const x = (remaining[k] as Entry<T>).due;
      const next = remaining[k + 1];
      if ((next === undefined || next.due > x) && k + 1 === x - slot + 1) {
        limit = x;
        break;
      }
    }
    let chosen = 0;
    for (let k = 1; k < remaining.length && (remaining[k] as Entry<T>).due <= limit; k++) {
      if ((remaining[k] as Entry<T>).rank < (remaining[chosen] as Entry<T>).rank) chosen = k;
    }
    while (taken.has((byRank[riskiest] as Entry<T>).rank)) riskiest++;
    const [entry] = remaining.splice(chosen, 1) as [Entry<T>];
    taken.add(entry.rank);
    order.push({ box: entry.box, placedBy: entry === byRank[riskiest] ? 'risk' : 'deadline' });
  }
  for (const e of late.sort((a, b) => a.rank - b.rank)) order.push({ box: e.box, placedBy: 'late' });

  return order.map(({ box, placedBy }, i) => {
    const estimatedStart = new Date(start + i * slotMs);
    const estimatedEnd = new Date(start + (i + 1) * slotMs);
    return {
      box,
      estimatedStart,
      estimatedEnd,
      willMissDeadline: box.deadline !== null && estimatedEnd.getTime() > box.deadline.getTime(),
      placedBy,
    };
  });
}
