/**
 * Selection for inspection of one port-day under the scanner capacity. Pure: no I/O.
 *
 * Order of precedence:
 *   1. manual selections by an officer (always kept);
 *   2. mandatory profile hits ("always select" profiles). They are all selected even when they
 *      exceed the capacity, because a mandatory hit must be held and inspected; what does not fit
 *      is reported as `overCapacity` with the containers concerned, never dropped silently;
 *   3. the highest expected risk (score), ties broken by key so a re-run gives the same list;
 *      only boxes with a score above 0 (some risk signal): the capacity left when too few have one
 *      goes to the random draw below;
 *   4. an exploration share (default 5 %) of the remaining capacity, drawn uniformly at random
 *      (seeded) from the candidates not otherwise selected. Each exploration pick records its
 *      selection probability (picks ÷ pool size), so that outcomes of these inspections can be
 *      weighted by 1 / probability when a model is trained: inverse-propensity weighting keeps
 *      the labels an unbiased sample of all traffic, not just of what the model already liked
 *      (Horvitz & Thompson 1952; for bandit-style learning, Dudík, Langford & Li 2011).
 *
 * Risk picks and mandatory picks have selection probability 1: given the scores they were
 * certain to be chosen.
 *
 * Then the containers an earlier run of the same port-day held (`held`) that this run did not
 * pick: holds are sticky, so they stay selected with that run's reason and probability, and count
 * in `overCapacity` when they exceed it. A port-day is selected again each time new manifests for
 * it arrive: a riskier box arriving later is still selected, and the excess is reported, never
 * hidden.
 */

export type SelectionReason = 'mandatory_profile' | 'risk' | 'exploration' | 'manual';

export interface SelectionCandidate {
  /** Identifies the container in this port-day (one candidate per container). */
  key: string;
  /** Expected risk; higher is riskier. */
  score: number;
  /** Hit by an "always select" profile. */
  mandatory: boolean;
  /** Selected by an officer; kept whatever the capacity. */
  manual?: boolean;
  /** Held already by an earlier selection of this port-day, with that selection's reason and probability. */
  held?: { reason: SelectionReason; probability: number };
}

export interface SelectionOptions {
  /** Containers the scanners can take this day. */
  capacity: number;
  /** Share of the capacity left after manual and mandatory picks that goes to random exploration. */
  explorationShare?: number;
  /** Seed of the exploration draw; the same seed and candidates give the same selection. */
  seed: string;
}

export interface SelectedContainer {
  key: string;
  reason: SelectionReason;
  /** Probability that this candidate was selected, given the scores (1 except for exploration). */
  probability: number;
}

export interface SelectionResult {
  selected: SelectedContainer[];
  capacity: number;
  /** How many selections exceed the capacity (manual and mandatory ones that could not fit, and boxes held by earlier runs). */
  overCapacity: number;
  /** The mandatory hits beyond the capacity, in the order they were taken (highest score first). */
  overflowKeys: string[];
  counts: Record<SelectionReason, number>;
}

export const DEFAULT_EXPLORATION_SHARE = 0.05;

const byRisk = (a: SelectionCandidate, b: SelectionCandidate): number =>
  b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Chooses the containers to inspect for one port-day. */
export function selectForInspection(
  candidates: readonly SelectionCandidate[],
  options: SelectionOptions,
): SelectionResult {
  const share = options.explorationShare ?? DEFAULT_EXPLORATION_SHARE;
  if (!Number.isInteger(options.capacity) || options.capacity < 0) {
    throw new RangeError(`capacity must be a whole number ≥ 0, got ${options.capacity}`);
  }
  if (!(share >= 0 && share <= 1)) throw new RangeError(`exploration share must be in [0, 1], got ${share}`);
  assertUniqueKeys(candidates);

  const selected: SelectedContainer[] = [];
  const manual = candidates.filter((c) => c.manual === true).sort(byRisk);
  const mandatory = candidates.filter((c) => c.manual !== true && c.mandatory).sort(byRisk);
  for (const c of manual) selected.push({ key: c.key, reason: 'manual', probability: 1 });
  const overflowKeys: string[] = [];
  for (const c of mandatory) {
    if (selected.length >= options.capacity) overflowKeys.push(c.key);
    selected.push({ key: c.key, reason: 'mandatory_profile', probability: 1 });
  }

  const remaining = Math.max(0, options.capacity - selected.length);
  const rest = candidates.filter((c) => c.manual !== true && !c.mandatory).sort(byRisk);
  // Only a box with a risk signal (a score above 0) is picked for its risk: with no model and no
  // profile points every score is 0, and picking among equal zeros by key is not "the riskiest".
  // The capacity such boxes would take goes to the random share instead, with its true probability.
  const signalled = rest.filter((c) => c.score > 0).length;
  const shareSlots = Math.min(Math.round(remaining * share), rest.length);
  const riskSlots = Math.min(remaining - shareSlots, signalled);
  const explorationSlots = Math.min(remaining - riskSlots, rest.length - riskSlots);
  for (const c of rest.slice(0, riskSlots)) selected.push({ key: c.key, reason: 'risk', probability: 1 });

  const pool = rest.slice(riskSlots);
  const picks = drawWithoutReplacement(pool.length, explorationSlots, seededRandom(options.seed));
  const probability = pool.length === 0 ? 0 : picks.length / pool.length;
  for (const i of picks) {
    const c = pool[i];
    if (c) selected.push({ key: c.key, reason: 'exploration', probability });
  }

  const picked = new Set(selected.map((x) => x.key));
  for (const c of [...candidates].sort(byRisk))
    if (c.held && !picked.has(c.key)) selected.push({ key: c.key, ...c.held });
  const overCapacity = Math.max(0, selected.length - options.capacity);
  const counts: Record<SelectionReason, number> = {
    manual: 0,
    mandatory_profile: 0,
    risk: 0,
    exploration: 0,
  };
  for (const s of selected) counts[s.reason] += 1;
  return { selected, capacity: options.capacity, overCapacity, overflowKeys, counts };
}

function assertUniqueKeys(candidates: readonly SelectionCandidate[]): void {
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.key))
      throw new RangeError(`candidate ${c.key} appears twice; give one candidate per container`);
    seen.add(c.key);
  }
}

/** k distinct indices of [0, n), by a partial Fisher–Yates shuffle (Knuth, TAOCP vol. 2, 3.4.2). */
function drawWithoutReplacement(n: number, k: number, random: () => number): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i += 1) {
    const j = i + Math.floor(random() * (n - i));
    const t = indices[i] ?? i;
    indices[i] = indices[j] ?? j;
    indices[j] = t;
  }
  return indices.slice(0, k);
}

/**
 * A seeded uniform generator in [0, 1): the seed text is hashed with FNV-1a (32 bit) and fed
 * to mulberry32 (Tommy Ettinger's public-domain 32-bit generator). Enough for a fair draw;
 * nothing here needs cryptographic strength.
 */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
