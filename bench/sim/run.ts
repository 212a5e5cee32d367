/**
 * Scale benchmark of the simulator: generates N days at scale 1 for both ports (EDIFACT + JSON
 * Lines, formatted but discarded, or written with --out), then measures in the same process a
 * baseline that formats the same number of bytes as plain JSON Lines. Prints containers/s,
 * MB/s, the ratio to the baseline, peak RSS, and a one-year extrapolation.
 *
 *   npx tsx bench/sim/run.ts [--days 3] [--scale 1] [--out DIR]
 */
import { parseArgs } from 'node:util';
import { addStats, emptyStats, simulateStream, writeSimulation } from '../../src/sim/stream.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const days = Number(values.days);
const scale = Number(values.scale);
const options = {
  ports: ['BEANR', 'NLRTM'],
  from: '2022-01-01',
  days,
  seed: 1,
  scale,
  formats: ['edifact' as const, 'json' as const],
};

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 50);

const totals = emptyStats();
let bytes = 0;
const t0 = performance.now();
if (values.out) {
  const s = await writeSimulation(options, values.out, (d) => addStats(totals, d.stats));
  bytes = s.bytes;
} else {
  for await (const chunk of simulateStream(options, (d) => addStats(totals, d.stats)))
    bytes += chunk.text.length;
}
const simSeconds = (performance.now() - t0) / 1000;
sample();
const simPeak = peakRss;
const containers = totals.discharged + totals.gateIn;

// Baseline: the same number of bytes of plain JSON Lines (one small object per line).
const t1 = performance.now();
let baseBytes = 0;
let i = 0;
while (baseBytes < bytes) {
  const line = `${JSON.stringify({ type: 'container_event', containerNumber: `MSKU${String(i % 1_000_000).padStart(6, '0')}5`, eventType: 'discharged', occurredAt: '2022-01-01T10:00:00Z', seals: ['ML1234567'], n: i })}\n`;
  baseBytes += line.length;
  i += 1;
}
const baseSeconds = (performance.now() - t1) / 1000;
clearInterval(timer);

const mb = bytes / 1_048_576;
const perYear = (containers / days) * 365;
const result = {
  days,
  scale,
  containers,
  discharged: totals.discharged,
  gateIn: totals.gateIn,
  contaminated: totals.contaminated,
  megabytes: Number(mb.toFixed(1)),
  seconds: Number(simSeconds.toFixed(2)),
  containersPerSecond: Math.round(containers / simSeconds),
  megabytesPerSecond: Number((mb / simSeconds).toFixed(1)),
  baselineMegabytesPerSecond: Number((baseBytes / 1_048_576 / baseSeconds).toFixed(1)),
  ratioToBaseline: Number((simSeconds / baseSeconds).toFixed(2)),
  peakRssMb: Math.round(simPeak / 1_048_576),
  yearExtrapolation: {
    containers: Math.round(perYear),
    minutes: Number((perYear / (containers / simSeconds) / 60).toFixed(1)),
    gigabytes: Number((((mb / days) * 365) / 1024).toFixed(1)),
  },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
