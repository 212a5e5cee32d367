/**
 * Lift bench: on a simulated month, do model + profiles find more contaminated containers than
 * random selection at equal scanner capacity?
 *
 *   npx tsx bench/lift/run.ts [--ports BEANR] [--scale 0.1] [--seed 7] [--from 2022-03-07]
 *                             [--inspect-share 0.05] [--capacity-share 0.02] [--profiles cel|fixed]
 *                             [--labels random|platform]
 *
 * `--labels platform` replaces step 2 by the platform's own loop: in weeks 1–3 each port-day is
 * selected by profiles (no model yet) under the same capacity with 5 % exploration, and every
 * selected container is inspected; outcomes carry their selection probability.
 *
 * 1. Simulates 28 days (src/sim), writes the EDIFACT files to a temporary folder and ingests
 *    them through the real ingest into an embedded database. The ground truth (truth.jsonl) is
 *    kept by this harness only; the platform never sees it.
 * 2. Weeks 1–3: a random `inspect-share` of each port-day's containers is inspected; the
 *    inspection oracle (src/sim/oracle.ts) says what each inspection finds; the outcomes are
 *    recorded with their selection probability.
 * 3. Trains a model on those outcomes and promotes it (when there are enough hits).
 * 4. Week 4: each port-day is assessed and selected under a capacity of `capacity-share` of its
 *    containers, first with profiles only, then with model + profiles. Random selection of the
 *    same number of containers is scored by its exact expectation (selected × contaminated ÷
 *    candidates), so the baseline carries no sampling noise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../../src/db/index.ts';
import { ingestFile } from '../../src/ingest/ingest.service.ts';
import { activeProfileEvaluator } from '../../src/risk/assessment.profiles.ts';
import { decisionPointsOfDay, recordOutcome, setScannerCapacity } from '../../src/risk/assessment.repo.ts';
import { assessPortDay } from '../../src/risk/assessment.service.ts';
import { promoteModel, trainModel } from '../../src/risk/model.service.ts';
import { DEFAULT_PROFILES } from '../../src/risk/profiles.seed.ts';
import { RiskProfileService } from '../../src/risk/profiles.service.ts';
import { seededRandom } from '../../src/risk/selection.ts';
import { inspect } from '../../src/sim/oracle.ts';
import { deriveRng } from '../../src/sim/prng.ts';
import { addDays, simulateStream } from '../../src/sim/stream.ts';
import { type TruthRecord, truthRecord } from '../../src/sim/truth.ts';
import { benchProfiles } from './profiles.ts';

const { values: args } = parseArgs({
  options: {
    ports: { type: 'string', default: 'BEANR' },
    scale: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '7' },
    from: { type: 'string', default: '2022-03-07' },
    'inspect-share': { type: 'string', default: '0.05' },
    'capacity-share': { type: 'string', default: '0.02' },
    profiles: { type: 'string', default: 'cel' },
    labels: { type: 'string', default: 'random' },
  },
});
const ports = (args.ports ?? 'BEANR').split(',');
const scale = Number(args.scale);
const seed = args.seed ?? '7';
const from = args.from ?? '2022-03-07';
const inspectShare = Number(args['inspect-share']);
const capacityShare = Number(args['capacity-share']);
const profileSet = args.profiles === 'fixed' ? 'fixed' : 'cel';
const labelSource = args.labels === 'platform' ? 'platform' : 'random';
const DAYS = 28;
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();

// 1. Simulate and ingest.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lift-'));
const files: string[] = [];
const truth = new Map<string, TruthRecord>();
for await (const chunk of simulateStream({ ports, from, days: DAYS, seed, scale, formats: ['edifact'] })) {
  if (chunk.kind === 'truth') {
    for (const line of chunk.text.split('\n')) {
      if (line.trim() === '') continue;
      const t = truthRecord.parse(JSON.parse(line));
      truth.set(t.containerNumber, t);
    }
    continue;
  }
  const file = path.join(dir, chunk.file);
  if (!fs.existsSync(file)) files.push(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, chunk.text);
}
log(
  `simulated ${DAYS} days of ${ports.join('+')} at scale ${scale}: ${files.length} files, ${truth.size} contaminated containers`,
);
const database = await openDatabase({});
await migrate(database);
const db = database.db;
for (const [i, file] of files.entries()) {
  await ingestFile(database, file, { actor: 'bench' });
  if (i % 20 === 0)
    log(`ingested ${i + 1}/${files.length} files (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
fs.rmSync(dir, { recursive: true, force: true });

// The default CEL profiles (src/risk/profiles.seed.ts), or the fixed predicates of profiles.ts.
const profileService = new RiskProfileService(db);
if (profileSet === 'cel') for (const p of DEFAULT_PROFILES) await profileService.create('bench', p);
const profiles = profileSet === 'cel' ? activeProfileEvaluator(db) : benchProfiles;

/** Distinct containers decided on at a port-day, with their numbers. */
async function containersOfDay(port: string, date: string) {
  const points = await decisionPointsOfDay(db, port, date);
  if (points.length === 0) return [];
  return db
    .selectFrom('consignment_containers as cc')
    .innerJoin('containers as k', 'k.id', 'cc.container_id')
    .select(['cc.consignment_id', 'cc.container_id', 'k.container_number'])
    .where(
      'cc.consignment_id',
      'in',
      points.map((p) => p.consignmentId),
    )
    .orderBy('cc.container_id')
    .execute();
}

/** Whether the container arriving at `port` on `date` is contaminated (harness only). */
function contaminated(port: string, number: string, date: string): boolean {
  const t = truth.get(number);
  if (!t || t.port !== port) return false;
  const gap = Math.abs(Date.parse(t.dischargedAt.slice(0, 10)) - Date.parse(date)) / 86_400_000;
  return gap <= 2;
}

// 2. Weeks 1-3: random inspections (or the platform's selections), outcomes from the oracle.
const oracleRng = deriveRng(seed, 'lift-oracle');
let inspected = 0;
let hits = 0;
for (const port of labelSource === 'platform' ? ports : []) {
  for (let d = 0; d < 21; d += 1) {
    const date = addDays(from, d);
    const boxes = await containersOfDay(port, date);
    const distinct = new Set(boxes.map((b) => b.container_id));
    await setScannerCapacity(db, port, Math.max(1, Math.round(distinct.size * capacityShare)), 'bench');
    await assessPortDay(db, port, date, { profiles });
    const picked = await db
      .selectFrom('assessments as a')
      .innerJoin('containers as k', 'k.id', 'a.container_id')
      .select(['a.id', 'a.container_id', 'a.consignment_id', 'k.container_number', 'a.selection_probability'])
      .where('a.port_locode', '=', port)
      .where('a.decision_date', '=', date)
      .where('a.selected', '=', true)
      .execute();
    for (const a of picked) {
      const at = new Date(Date.parse(`${date}T00:00:00Z`) + 36 * 3_600_000);
      const finding = inspect(truth, a.container_number, 'scan_and_physical', oracleRng, at.toISOString());
      const hit = finding.outcome === 'seizure';
      await recordOutcome(db, {
        containerId: a.container_id,
        consignmentId: a.consignment_id,
        assessmentId: a.id,
        inspectedAt: at,
        kind: 'scan_and_physical',
        hit,
        selectionProbability: a.selection_probability ?? 1,
        source: 'bench-platform',
      });
      inspected += 1;
      if (hit) hits += 1;
    }
  }
}
for (const port of labelSource === 'random' ? ports : []) {
  for (let d = 0; d < 21; d += 1) {
    const date = addDays(from, d);
    const draw = seededRandom(`inspect ${port} ${date} ${seed}`);
    const seen = new Set<number>();
    for (const c of await containersOfDay(port, date)) {
      if (seen.has(c.container_id)) continue;
      seen.add(c.container_id);
      if (draw() >= inspectShare) continue;
      const at = new Date(Date.parse(`${date}T00:00:00Z`) + 36 * 3_600_000);
      const finding = inspect(truth, c.container_number, 'scan_and_physical', oracleRng, at.toISOString());
      const hit = finding.outcome === 'seizure';
      await recordOutcome(db, {
        containerId: c.container_id,
        consignmentId: c.consignment_id,
        assessmentId: null,
        inspectedAt: at,
        kind: 'scan_and_physical',
        hit,
        selectionProbability: inspectShare,
        source: 'bench-random',
      });
      inspected += 1;
      if (hit) hits += 1;
    }
  }
}
log(
  `weeks 1-3: ${inspected} containers inspected (${labelSource === 'random' ? 'at random' : 'selected by the platform'}), ${hits} hits`,
);

// 3. Train and promote.
let modelNote = 'no model';
try {
  const trained = await trainModel(db, { from, to: addDays(from, 21), actor: 'bench', onProgress: () => {} });
  await promoteModel(db, trained.version, 'bench');
  modelNote = `model v${trained.version}: ${trained.rows} rows, ${trained.hits} hits, ${trained.trees} trees, holdout AUC ${trained.holdout.auc.toFixed(3)}`;
} catch (e) {
  modelNote = `no model (${(e as Error).message})`;
}
log(modelNote);

// 4. Week 4: selection at equal capacity.
interface Tally {
  candidates: number;
  contaminated: number;
  selected: number;
  profilesOnly: number;
  modelAndProfiles: number;
  randomExpected: number;
}
const tallies = new Map<string, Tally>();
async function weekFour(label: 'profilesOnly' | 'modelAndProfiles'): Promise<void> {
  for (const port of ports) {
    const tally = tallies.get(port) ?? {
      candidates: 0,
      contaminated: 0,
      selected: 0,
      profilesOnly: 0,
      modelAndProfiles: 0,
      randomExpected: 0,
    };
    tallies.set(port, tally);
    for (let d = 21; d < DAYS; d += 1) {
      const date = addDays(from, d);
      const boxes = await containersOfDay(port, date);
      const distinct = new Map(boxes.map((b) => [b.container_id, b.container_number]));
      const capacity = Math.max(1, Math.round(distinct.size * capacityShare));
      await setScannerCapacity(db, port, capacity, 'bench');
      await assessPortDay(db, port, date, { profiles });
      const selected = await db
        .selectFrom('assessments')
        .select('container_id')
        .distinct()
        .where('port_locode', '=', port)
        .where('decision_date', '=', date)
        .where('selected', '=', true)
        .execute();
      const bad = [...distinct].filter(([, n]) => contaminated(port, n, date)).length;
      const found = selected.filter((s) =>
        contaminated(port, distinct.get(s.container_id) ?? '', date),
      ).length;
      tally[label] += found;
      if (label === 'modelAndProfiles') {
        tally.candidates += distinct.size;
        tally.contaminated += bad;
        tally.selected += selected.length;
        tally.randomExpected += distinct.size === 0 ? 0 : (selected.length * bad) / distinct.size;
      }
    }
  }
}
// Profiles only first: demote the champion for that pass by running before promotion is visible.
const champion = await db
  .selectFrom('models')
  .select('version')
  .where('status', '=', 'champion')
  .executeTakeFirst();
if (champion)
  await db
    .updateTable('models')
    .set({ status: 'candidate' })
    .where('version', '=', champion.version)
    .execute();
await weekFour('profilesOnly');
if (champion)
  await db
    .updateTable('models')
    .set({ status: 'champion' })
    .where('version', '=', champion.version)
    .execute();
await weekFour('modelAndProfiles');

const lines = [
  `Lift bench: ${ports.join('+')}, scale ${scale}, seed ${seed}, ${from} + 28 days; ${labelSource === 'random' ? `random ${(inspectShare * 100).toFixed(1)} %` : 'platform selections'} inspected in weeks 1-3; capacity ${(capacityShare * 100).toFixed(1)} % of each week-4 day's containers; ${profileSet === 'cel' ? 'default CEL profiles' : 'fixed bench profiles'}`,
  modelNote,
  '| port | week-4 containers | contaminated | selected | found: random (expected) | found: profiles only | found: model + profiles | lift vs random |',
  '|---|---|---|---|---|---|---|---|',
];
for (const [port, t] of tallies) {
  const lift = t.randomExpected > 0 ? t.modelAndProfiles / t.randomExpected : Number.NaN;
  lines.push(
    `| ${port} | ${t.candidates} | ${t.contaminated} | ${t.selected} | ${t.randomExpected.toFixed(2)} | ${t.profilesOnly} | ${t.modelAndProfiles} | ${lift.toFixed(1)}× |`,
  );
}
lines.push(`time ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.stdout.write(`${lines.join('\n')}\n`);
await database.close();
