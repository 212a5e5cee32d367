/**
 * The first-run demo feed: simulated traffic for both ports goes through the real ingest, as a
 * terminal or carrier would send it. First a recent history (default 30 days, as fast as it
 * ingests), then live traffic, time-compressed: one simulated port-day every few seconds. The
 * simulator's ground truth is appended to a file in the data folder and never enters the
 * database or the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Database } from '../db/index.ts';
import { ingestFile } from '../ingest/ingest.service.ts';
import { addDays, type OutputChunk, simulateStream, type Terminal } from '../sim/stream.ts';

export interface DemoFeedOptions {
  dataDir: string;
  ports: string[];
  historyDays: number;
  /** Containers per day relative to the real ports (1 = about 40,000 a day for both). */
  scale: number;
  seed: number;
  /** Milliseconds between live port-days; 0 stops after the history. */
  liveIntervalMs: number;
  onProgress?: (line: string) => void;
  onHistoryLoaded?: (stats: { days: number; files: number; records: number }) => void;
  /** The terminal that decides which boxes leave (the demo's asks the release gate); none lets every box out. */
  terminal?: Terminal;
}

export interface DemoFeed {
  /** Where the feed runs in the simulation (kept in the data folder across restarts). */
  plan: { from: string; seed: number; scale: number; portDaysDone: number };
  /** Resolves when the history is loaded. */
  history: Promise<void>;
  stop(): Promise<void>;
}

const STATE_FILE = 'demo-state.json';

const demoState = z.object({
  from: z.iso.date(),
  seed: z.number(),
  scale: z.number().positive(),
  /** Port-days already ingested, counted from `from`. */
  portDaysDone: z.number().int().nonnegative(),
});
type DemoState = z.infer<typeof demoState>;

/** Starts feeding; `stop()` ends after the port-day in flight. */
export function startDemoFeed(database: Database, options: DemoFeedOptions): DemoFeed {
  const demoDir = path.join(options.dataDir, 'demo');
  const inbox = path.join(demoDir, 'inbox');
  fs.mkdirSync(inbox, { recursive: true });
  const state = loadState(demoDir, options);
  saveState(demoDir, state);
  const plan = { ...state };
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  let historyDone!: () => void;
  let historyFailed!: (e: unknown) => void;
  const history = new Promise<void>((resolve, reject) => {
    historyDone = resolve;
    historyFailed = reject;
  });

  const historyPortDays = options.historyDays * options.ports.length;
  const run = async () => {
    const stream = simulateStream(
      {
        ports: options.ports,
        from: state.from,
        days: 3660,
        seed: state.seed,
        scale: state.scale,
        formats: ['edifact'],
      },
      undefined,
      replayAware(options.terminal, state.portDaysDone),
    );
    let portDay = 0;
    let files = 0;
    let records = 0;
    let current: { date: string; port: string } | undefined;
    const finishedPortDay = async () => {
      portDay++;
      if (portDay > state.portDaysDone) {
        state.portDaysDone = portDay;
        saveState(demoDir, state);
      }
      if (portDay === historyPortDays) {
        options.onHistoryLoaded?.({ days: options.historyDays, files, records });
        historyDone();
        if (options.liveIntervalMs <= 0) return false;
      }
      if (portDay > historyPortDays) await sleep(options.liveIntervalMs);
      return !stopped;
    };
    for await (const chunk of stream) {
      if (current && (chunk.date !== current.date || chunk.port !== current.port)) {
        if (!(await finishedPortDay())) break;
      }
      current = { date: chunk.date, port: chunk.port };
      if (stopped) break;
      // Port-days ingested by an earlier run are regenerated (the simulator is deterministic
      // and stateful) but not ingested again.
      if (portDay < state.portDaysDone) continue;
      const ingested = await feedChunk(database, chunk, demoDir, inbox);
      files += ingested.files;
      records += ingested.records;
      options.onProgress?.(
        `${portDay < historyPortDays ? 'history' : 'live'} ${chunk.date} ${chunk.port}: ${files} files, ${records} records ingested`,
      );
    }
    if (portDay < historyPortDays) historyDone();
  };
  const running = run().catch((e: unknown) => {
    historyFailed(e);
    throw e;
  });
  return {
    plan,
    history,
    async stop() {
      stopped = true;
      wake?.();
      await running.catch(() => {});
    },
  };
}

async function feedChunk(database: Database, chunk: OutputChunk, demoDir: string, inbox: string) {
  if (chunk.kind === 'truth') {
    // Kept apart: the platform never reads this file.
    fs.appendFileSync(path.join(demoDir, 'truth.jsonl'), chunk.text);
    return { files: 0, records: 0 };
  }
  const file = path.join(inbox, path.basename(chunk.file));
  fs.writeFileSync(file, chunk.text);
  try {
    const s = await ingestFile(database, file, { actor: 'demo-feed', fileName: chunk.file });
    return { files: 1, records: s.accepted + s.updated + s.unchanged };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function loadState(demoDir: string, options: DemoFeedOptions): DemoState {
  const file = path.join(demoDir, STATE_FILE);
  if (fs.existsSync(file)) {
    try {
      const s = demoState.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (s.success) return s.data;
    } catch {
      // A damaged state file: start a new history.
    }
  }
  const today = new Date().toISOString().slice(0, 10);
  return {
    from: addDays(today, -options.historyDays),
    seed: options.seed,
    scale: options.scale,
    portDaysDone: 0,
  };
}

function saveState(demoDir: string, state: DemoState): void {
  const file = path.join(demoDir, STATE_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Port-days ingested by an earlier run are regenerated but not ingested again: the terminal is
 * not asked about them (one simulated port-day per call, in the stream's order).
 */
function replayAware(terminal: Terminal | undefined, portDaysDone: number): Terminal | undefined {
  if (!terminal) return undefined;
  let portDay = 0;
  return {
    gateOut: (day) => (portDay++ < portDaysDone ? Promise.resolve(day.gateOuts) : terminal.gateOut(day)),
  };
}
