import { describe, expect, it } from 'vitest';
import {
  type SelectionCandidate,
  type SelectionReason,
  seededRandom,
  selectForInspection,
} from './selection.ts';

/** Candidates from a compact notation: 'a:9' scores 9, 'a:9!' is mandatory, 'a:9m' manual. */
function candidates(spec: string): SelectionCandidate[] {
  return spec
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^(\w+):(-?[\d.]+)([!m]?)$/.exec(s);
      if (!m) throw new Error(`bad candidate spec ${s}`);
      return { key: m[1] ?? '', score: Number(m[2]), mandatory: m[3] === '!', manual: m[3] === 'm' };
    });
}

interface Case {
  name: string;
  spec: string;
  capacity: number;
  share?: number;
  /** Expected selection, `key=reason`, in selection order (exploration picks are checked apart). */
  expected: string[];
  overCapacity?: number;
  overflow?: string[];
}

const reasonCode: Record<SelectionReason, string> = {
  manual: 'manual',
  mandatory_profile: 'mandatory',
  risk: 'risk',
  exploration: 'explore',
};

const cases: Case[] = [
  {
    name: 'highest risk fills the capacity',
    spec: 'a:1 b:5 c:3 d:4',
    capacity: 2,
    share: 0,
    expected: ['b=risk', 'd=risk'],
  },
  {
    name: 'ties are broken by key',
    spec: 'b:2 a:2 c:2',
    capacity: 2,
    share: 0,
    expected: ['a=risk', 'b=risk'],
  },
  {
    name: 'mandatory hits come first whatever their score',
    spec: 'a:9 b:0.1! c:8',
    capacity: 2,
    share: 0,
    expected: ['b=mandatory', 'a=risk'],
  },
  {
    name: 'manual selections come before mandatory ones',
    spec: 'a:9 b:1! c:0m',
    capacity: 2,
    share: 0,
    expected: ['c=manual', 'b=mandatory'],
  },
  {
    name: 'mandatory hits beyond the capacity are all kept and reported',
    spec: 'a:1! b:3! c:2! d:9',
    capacity: 2,
    share: 0,
    expected: ['b=mandatory', 'c=mandatory', 'a=mandatory'],
    overCapacity: 1,
    overflow: ['a'],
  },
  {
    name: 'zero capacity still keeps mandatory hits',
    spec: 'a:1! b:5',
    capacity: 0,
    expected: ['a=mandatory'],
    overCapacity: 1,
    overflow: ['a'],
  },
  {
    name: 'fewer candidates than capacity selects all',
    spec: 'a:1 b:2',
    capacity: 10,
    share: 0,
    expected: ['b=risk', 'a=risk'],
  },
  { name: 'no candidates', spec: '', capacity: 5, expected: [] },
  {
    name: 'exploration takes round(share x remaining) of the capacity',
    spec: 'a:10 b:9 c:8 d:7 e:6 f:5 g:4 h:3 i:2 j:1 k:0',
    capacity: 4,
    share: 0.25,
    expected: ['a=risk', 'b=risk', 'c=risk', '?=explore'],
  },
];

describe('selectForInspection', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = selectForInspection(candidates(c.spec), {
        capacity: c.capacity,
        ...(c.share === undefined ? {} : { explorationShare: c.share }),
        seed: 'test',
      });
      const got = r.selected.map(
        (s) => `${s.reason === 'exploration' ? '?' : s.key}=${reasonCode[s.reason]}`,
      );
      expect(got).toEqual(c.expected);
      expect(r.overCapacity).toBe(c.overCapacity ?? 0);
      expect(r.overflowKeys).toEqual(c.overflow ?? []);
    });
  }

  it('draws exploration picks from outside the risk picks, with their probability', () => {
    const pool = candidates('a:10 b:9 c:8 d:7 e:6 f:5 g:4 h:3 i:2 j:1 k:0');
    const r = selectForInspection(pool, { capacity: 4, explorationShare: 0.25, seed: 's1' });
    const explored = r.selected.filter((s) => s.reason === 'exploration');
    expect(explored).toHaveLength(1);
    expect(['a', 'b', 'c']).not.toContain(explored[0]?.key);
    // One pick from the eight candidates left after the three risk picks.
    expect(explored[0]?.probability).toBeCloseTo(1 / 8);
    expect(r.selected.filter((s) => s.reason === 'risk').every((s) => s.probability === 1)).toBe(true);
  });

  it('gives the same selection for the same seed, and a fair draw across seeds', () => {
    const pool = candidates('a:10 b:1 c:1 d:1 e:1');
    const once = selectForInspection(pool, { capacity: 2, explorationShare: 0.5, seed: 'BEANR 2022-01-05' });
    const again = selectForInspection(pool, { capacity: 2, explorationShare: 0.5, seed: 'BEANR 2022-01-05' });
    expect(again).toEqual(once);
    const tally = new Map<string, number>();
    for (let i = 0; i < 4000; i += 1) {
      const r = selectForInspection(pool, { capacity: 2, explorationShare: 0.5, seed: `day ${i}` });
      const pick = r.selected.find((s) => s.reason === 'exploration')?.key ?? 'none';
      tally.set(pick, (tally.get(pick) ?? 0) + 1);
    }
    expect([...tally.keys()].sort()).toEqual(['b', 'c', 'd', 'e']);
    for (const n of tally.values()) expect(n).toBeGreaterThan(850); // 1000 expected each
  });

  it('keeps the boxes an earlier run held, with their reason and probability, and reports them beyond the capacity', () => {
    const given = candidates('a:1 b:2 c:9 d:8 e:7 f:5!');
    const earlier = {
      a: { reason: 'exploration', probability: 0.25 },
      c: { reason: 'risk', probability: 1 },
    } as const;
    const withHeld = given.map((c) => (c.key in earlier ? { ...c, held: earlier[c.key as 'a' | 'c'] } : c));
    const result = selectForInspection(withHeld, { capacity: 3, seed: 's', explorationShare: 0 });
    // This run's own picks first; then the held box it did not pick, with its earlier reason.
    expect(result.selected).toEqual([
      { key: 'f', reason: 'mandatory_profile', probability: 1 },
      { key: 'c', reason: 'risk', probability: 1 },
      { key: 'd', reason: 'risk', probability: 1 },
      { key: 'a', reason: 'exploration', probability: 0.25 },
    ]);
    expect(result).toMatchObject({ overCapacity: 1, overflowKeys: [] });
    expect(result.counts).toEqual({ manual: 0, mandatory_profile: 1, risk: 2, exploration: 1 });
  });

  it('picks no box for its risk without a risk signal: the capacity goes to the random draw', () => {
    // No model and no profile points: every score is 0.
    const r = selectForInspection(candidates('a:0 b:0 c:0 d:0 e:0 f:0 g:0 h:0'), { capacity: 4, seed: 's' });
    expect(r.counts).toEqual({ manual: 0, mandatory_profile: 0, risk: 0, exploration: 4 });
    expect(r.selected.every((x) => x.probability === 0.5)).toBe(true);
    // Two boxes with a signal are picked for it; the other two slots are drawn from the rest.
    const mixed = selectForInspection(candidates('a:0 b:3 c:0 d:0 e:7 f:0'), { capacity: 4, seed: 's' });
    expect(mixed.selected.slice(0, 2)).toEqual([
      { key: 'e', reason: 'risk', probability: 1 },
      { key: 'b', reason: 'risk', probability: 1 },
    ]);
    expect(mixed.selected.slice(2).map((x) => [x.reason, x.probability])).toEqual([
      ['exploration', 0.5],
      ['exploration', 0.5],
    ]);
  });

  it('uses the default 5 % exploration share', () => {
    const pool = Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, score: i, mandatory: false }));
    const r = selectForInspection(pool, { capacity: 100, seed: 'x' });
    expect(r.counts).toEqual({ manual: 0, mandatory_profile: 0, risk: 95, exploration: 5 });
    expect(r.selected.find((s) => s.reason === 'exploration')?.probability).toBeCloseTo(5 / 405);
  });

  it('refuses duplicate candidates and a bad capacity', () => {
    expect(() => selectForInspection(candidates('a:1 a:2'), { capacity: 1, seed: 'x' })).toThrow(
      /appears twice/,
    );
    expect(() => selectForInspection([], { capacity: -1, seed: 'x' })).toThrow(/capacity/);
    expect(() => selectForInspection([], { capacity: 1, explorationShare: 2, seed: 'x' })).toThrow(/share/);
  });

  it('seededRandom stays in [0, 1) and depends on the seed', () => {
    const a = seededRandom('a');
    const b = seededRandom('b');
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(a()).not.toBe(b());
  });
});
