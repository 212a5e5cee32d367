/**
 * The risk view on simulated traffic fed through the real EDIFACT ingest: the no-leak property
 * on realistic data (front companies, TO ORDER consignees, reefers, reseals), and features and
 * default profiles that evaluate on every container.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { describeEachDatabase } from '../../test/support/databases.ts';
import type { Database } from '../db/index.ts';
import { ingestFile } from '../ingest/ingest.service.ts';
import { simulateStream } from '../sim/stream.ts';
import { FEATURES, featureVector } from './features.ts';
import { evaluateProfiles, type ProfileRule } from './profiles.evaluate.ts';
import { DEFAULT_PROFILES } from './profiles.seed.ts';
import { buildContainerViews } from './view.ts';

const recordTime = z.object({
  declaredAt: z.string().optional(),
  occurredAt: z.string().optional(),
  eta: z.string().optional(),
});

/**
 * Ingests the simulated JSON Lines records of six days whose own time (declaration, event, ETA)
 * is on the given side of `cutoff`. The simulator writes a manifest in the file of its arrival
 * day although it was declared days before; splitting by the records' own time is what "later
 * facts" means for the view.
 */
async function ingestSimulated(database: Database, cutoff: Date, side: 'before' | 'after'): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-risk-sim-'));
  let records = 0;
  try {
    const stream = simulateStream({
      ports: ['BEANR'],
      from: '2022-01-01',
      days: 6,
      seed: 7,
      scale: 0.005,
      formats: ['json'],
    });
    let n = 0;
    for await (const chunk of stream) {
      if (chunk.kind !== 'json') continue;
      const lines = chunk.text.split('\n').filter((line) => {
        if (line.trim() === '') return false;
        const t = recordTime.parse(JSON.parse(line));
        const at = t.declaredAt ?? t.occurredAt ?? t.eta;
        const before = at === undefined || new Date(at) <= cutoff;
        return side === 'before' ? before : !before;
      });
      if (lines.length === 0) continue;
      const file = path.join(dir, `${++n}-${chunk.file}`);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      records += lines.length;
      await ingestFile(database, file, { actor: 'test', format: 'json' });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return records;
}

const rules: ProfileRule[] = DEFAULT_PROFILES.map((p, i) => ({
  profileId: i + 1,
  version: 1,
  name: p.name,
  expression: p.expression,
  weight: p.weight,
  action: p.action ?? 'score',
  active: true,
  validFrom: null,
  validTo: null,
}));

describeEachDatabase('risk view on simulated traffic', (ctx) => {
  const asOf = new Date('2022-01-04T00:00:00Z');
  const window = { from: new Date('2022-01-03T00:00:00Z'), to: asOf, asOf };

  it('is the same before and after later days are ingested', { timeout: 120_000 }, async () => {
    expect(await ingestSimulated(ctx.database, asOf, 'before')).toBeGreaterThan(100);
    const before = await buildContainerViews(ctx.database.db, window);
    expect(before.length).toBeGreaterThan(20);
    expect(await ingestSimulated(ctx.database, asOf, 'after')).toBeGreaterThan(100);
    const after = await buildContainerViews(ctx.database.db, window);
    expect(after).toEqual(before);
    const later = await buildContainerViews(ctx.database.db, {
      ...window,
      asOf: new Date('2022-01-07T00:00:00Z'),
    });
    expect(later).not.toEqual(before);
  });

  it('gives every container a full feature vector and evaluates the default profiles', async () => {
    const views = await buildContainerViews(ctx.database.db, window);
    for (const v of views) {
      const vector = featureVector(v);
      expect(vector).toHaveLength(FEATURES.length);
      FEATURES.forEach((f, i) => {
        const x = vector[i];
        if (x !== null) expect(typeof x).toBe(f.kind === 'numeric' ? 'number' : 'string');
      });
      expect(v.container.reefer).toBe(v.container.sizeType?.charAt(2) === 'R');
      expect(v.goods.hsCodes.length).toBeGreaterThan(0);
    }
    const { results, uncompilable } = evaluateProfiles(views, rules, asOf);
    expect(uncompilable).toEqual([]);
    expect(results).toHaveLength(views.length);
    // Reefers from high-risk origins with new consignees exist on these lanes.
    expect(results.some((r) => r.hits.length > 0)).toBe(true);
  });
});
