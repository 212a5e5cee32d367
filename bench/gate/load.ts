/**
 * The load generator of bench/gate, run as a second process (forked by run.ts): a fixed-rate,
 * open-loop load over keep-alive connections. Requests are sent on schedule whether or not
 * earlier ones have been answered, and each latency is measured from the moment the request was
 * due, not when it was sent, so a stalled server cannot hide its stall (no coordinated omission;
 * cf. Tene, "How NOT to measure latency", 2013).
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PhaseSpec {
  name: string;
  /** Paths to ask, cycled through. */
  paths: string[];
  headers: Record<string, string>;
  rps: number;
  seconds: number;
}

export interface PhaseResult {
  name: string;
  sent: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  maxInFlight: number;
  /** This (the load generator's) event-loop delay during the phase: its own stalls delay requests. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The slowest answer among the requests due in each second of the phase. */
  worstPerSecondMs: number[];
}

export type LoadMessage = { kind: 'run'; baseUrl: string; phases: PhaseSpec[] };

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
/** How long a phase waits for answers after its last request was due. */
const DRAIN_SECONDS = 15;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function runPhase(baseUrl: string, spec: PhaseSpec): Promise<PhaseResult> {
  const url = new URL(baseUrl);
  const total = Math.round(spec.rps * spec.seconds);
  const interval = 1000 / spec.rps;
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let sent = 0;
  let finished = 0;
  let ok = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lastEnd = 0;
  const start = performance.now();
  const answered = new Uint8Array(total);
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  return new Promise((resolve) => {
    let resolved = false;
    const finish = () => {
      if (resolved) return;
      resolved = true;
      // Requests still unanswered at the deadline count as failed, with their wait so far.
      const now = performance.now();
      for (let i = 0; i < total; i += 1) {
        if (answered[i]) continue;
        latencies[i] = now - (start + i * interval);
        statuses['unanswered at deadline'] = (statuses['unanswered at deadline'] ?? 0) + 1;
      }
      if (lastEnd === 0) lastEnd = now;
      loopDelay.disable();
      const worstPerSecondMs: number[] = [];
      for (let i = 0; i < total; i += 1) {
        const second = Math.floor((i * interval) / 1000);
        worstPerSecondMs[second] = Math.max(worstPerSecondMs[second] ?? 0, latencies[i]!);
      }
      const sorted = latencies.slice().sort();
      resolve({
        name: spec.name,
        sent,
        ok,
        failed: total - ok,
        statuses,
        achievedRps: Math.round((finished / (lastEnd - start)) * 1000),
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted[sorted.length - 1] ?? Number.NaN,
        maxInFlight,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        worstPerSecondMs,
      });
    };
    const done = (i: number, due: number, status: string) => {
      if (resolved) return;
      const end = performance.now();
      latencies[i] = end - due;
      answered[i] = 1;
      lastEnd = end;
      inFlight -= 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === '200') ok += 1;
      finished += 1;
      if (finished === total) finish();
    };
    // A phase ends at most DRAIN_SECONDS after its last request was due.
    setTimeout(finish, (spec.seconds + DRAIN_SECONDS) * 1000).unref();
    const fire = (i: number, due: number) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const request = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'GET',
          path: spec.paths[i % spec.paths.length],
          headers: spec.headers,
        },
        (response) => {
          response.resume();
          response.on('end', () => done(i, due, String(response.statusCode)));
        },
      );
      request.on('error', (e) => done(i, due, `error ${e.message}`));
      request.end();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        fire(sent, start + sent * interval);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

process.on('message', async (message: LoadMessage) => {
  if (message.kind !== 'run') return;
  const results: PhaseResult[] = [];
  for (const phase of message.phases) {
    process.send?.({ kind: 'phase', name: phase.name });
    results.push(await runPhase(message.baseUrl, phase));
  }
  agent.destroy();
  process.send?.({ kind: 'results', results });
});
