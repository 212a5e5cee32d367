/**
 * Full-year scale run of the simulator (issue 3, item 6): both ports at scale 1 for N days
 * (default 365), output formatted and counted but not written. Prints one line per simulated
 * day with cumulative containers, elapsed time and the process's resident memory, so bounded
 * memory can be seen day by day, and a summary at the end.
 *
 *   npx tsx bench/sim/year.ts [--days 365] > year.log
 */
import { parseArgs } from 'node:util';
import { addStats, emptyStats, simulateStream } from '../../src/sim/stream.ts';

const { values } = parseArgs({ options: { days: { type: 'string', default: '365' } } });
const days = Number(values.days);
const totals = emptyStats();
let bytes = 0;
let peakRss = 0;
let portDays = 0;
const t0 = performance.now();
const mb = (n: number) => (n / 1_048_576).toFixed(0);
for await (const chunk of simulateStream(
  { ports: ['BEANR', 'NLRTM'], from: '2022-01-01', days, seed: 1, scale: 1, formats: ['edifact', 'json'] },
  (d) => {
    addStats(totals, d.stats);
    portDays++;
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (portDays % 2 === 0) {
      const s = (performance.now() - t0) / 1000;
      console.log(
        `${d.date} containers ${totals.discharged + totals.gateIn} output ${mb(bytes)} MB elapsed ${s.toFixed(0)} s rss ${mb(rss)} MB peak ${mb(peakRss)} MB`,
      );
    }
  },
)) {
  bytes += chunk.text.length;
}
const seconds = (performance.now() - t0) / 1000;
console.log(
  `done: ${days} days, ${totals.discharged + totals.gateIn} containers, ${mb(bytes)} MB of messages, ${seconds.toFixed(0)} s, ` +
    `${((totals.discharged + totals.gateIn) / seconds).toFixed(0)} containers/s, peak RSS ${mb(peakRss)} MB`,
);
