import { describe, expect, it } from 'vitest';
import { composeAssessment, scoreInReason, topContributions } from './assessment.ts';
import { buildVocabularies, comparePromotion, encodeRow, type HoldoutMetrics } from './model.ts';

const metrics = (logLoss: number, auc: number): HoldoutMetrics => ({
  rows: 100,
  hits: 5,
  logLoss,
  auc,
  hitsAtTop5: 2,
});

describe('comparePromotion', () => {
  const cases: {
    name: string;
    challenger: HoldoutMetrics;
    champion: HoldoutMetrics | null;
    promote: boolean;
  }[] = [
    { name: 'no champion', challenger: metrics(0.3, 0.6), champion: null, promote: true },
    { name: 'better on both', challenger: metrics(0.1, 0.9), champion: metrics(0.2, 0.8), promote: true },
    { name: 'equal', challenger: metrics(0.2, 0.8), champion: metrics(0.2, 0.8), promote: true },
    {
      name: 'log-loss within 1 %',
      challenger: metrics(0.2019, 0.8),
      champion: metrics(0.2, 0.8),
      promote: true,
    },
    {
      name: 'log-loss 2 % worse',
      challenger: metrics(0.204, 0.8),
      champion: metrics(0.2, 0.8),
      promote: false,
    },
    { name: 'AUC 0.02 lower', challenger: metrics(0.2, 0.78), champion: metrics(0.2, 0.8), promote: false },
    {
      name: 'AUC not comparable',
      challenger: metrics(0.2, Number.NaN),
      champion: metrics(0.2, Number.NaN),
      promote: true,
    },
    {
      name: 'challenger log-loss NaN is not worse',
      challenger: metrics(Number.NaN, 0.8),
      champion: metrics(0.2, 0.8),
      promote: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = comparePromotion(c.challenger, c.champion);
      expect(verdict.promote).toBe(c.promote);
      expect(verdict.reasons.length).toBeGreaterThan(0);
    });
  }
});

describe('encoding of feature values', () => {
  const features = [
    { name: 'origin', kind: 'categorical' as const },
    { name: 'mass', kind: 'numeric' as const },
  ];
  const vocab = buildVocabularies(features, [
    ['EC', 1],
    ['CN', 2],
    ['EC', null],
  ]);

  it('codes categories in first-seen order and maps unseen ones beyond the vocabulary', () => {
    expect(vocab).toEqual({ origin: ['EC', 'CN'] });
    expect([...encodeRow(features, vocab, ['CN', 3.5])]).toEqual([1, 3.5]);
    expect([...encodeRow(features, vocab, ['BR', 0])]).toEqual([2, 0]);
  });

  it('turns missing values into NaN', () => {
    expect(encodeRow(features, vocab, [null, null]).every(Number.isNaN)).toBe(true);
  });
});

describe('composeAssessment', () => {
  const hit = (name: string, weight: number, action: 'score' | 'select' = 'score') => ({
    profileId: 1,
    version: 2,
    name,
    weight,
    action,
  });
  const contribution = (feature: string, c: number) => ({
    feature,
    value: 1,
    contribution: c,
    text: `${feature} text`,
  });

  it('adds model points and scoring profile weights, and writes the score into the explanation', () => {
    const draft = composeAssessment(
      [hit('A', 20), hit('B', 0, 'select')],
      { version: 4, probability: 0.1234, contributions: [] },
      { '1': 2 },
    );
    expect(draft.score).toBe(32.34);
    expect(draft.mandatory).toBe(true);
    expect(scoreInReason(draft.explanation)).toBe(32.34);
    expect(draft.explanation).toContain('model v4 12.34');
    expect(draft.explanation).toContain('"B" v2');
  });

  it('scores with profiles only when there is no model', () => {
    const draft = composeAssessment([hit('A', 15)], null, {});
    expect(draft).toMatchObject({ score: 15, probability: null, modelVersion: null, contributions: [] });
    expect(draft.explanation).toMatch(/^score 15\.00 = no champion model \+ profiles 15\.00/);
  });

  it('keeps the five largest contributions by size', () => {
    const all = [0.1, -0.9, 0.5, 0, 0.05, -0.3, 0.7].map((c, i) => contribution(`f${i}`, c));
    expect(topContributions(all).map((c) => c.feature)).toEqual(['f1', 'f6', 'f2', 'f5', 'f0']);
  });
});
