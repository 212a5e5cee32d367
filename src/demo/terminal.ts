/**
 * The demo's container terminal, which respects the barrier as a real one must: before a box
 * leaves, it asks the release gate (in this process, logged as the question of the terminal
 * `demo-terminal`, like a real terminal's). A held box stays in the yard and is offered again each
 * following day; it leaves on the first day the gate says RELEASE, that is once an inspector has
 * completed its inspections through the API (or two officers have overridden its hold).
 *
 * Before asking, the terminal waits until the risk worker has assessed what was ingested, so
 * that a box is never let out only because its manifest was not yet assessed. The yard lives in
 * memory: boxes waiting when the demo stops leave as generated after a restart.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ReleaseGate } from '../inspection/index.ts';
import { pendingRiskEvents } from '../risk/index.ts';
import type { Terminal } from '../sim/stream.ts';
import type { DayTraffic, Move } from '../sim/traffic.ts';

export interface GateTerminalOptions {
  caller?: string;
  /** Longest wait for the risk worker to catch up before asking anyway. */
  catchUpTimeoutMs?: number;
  /** Called before waiting for the risk worker (the demo wakes it instead of waiting for its poll). */
  beforeAsking?: () => void;
}

export class GateRespectingTerminal implements Terminal {
  private readonly yard = new Map<string, Move[]>();
  private readonly caller: string;
  private readonly catchUpTimeoutMs: number;
  private readonly beforeAsking: () => void;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly gate: ReleaseGate,
    options: GateTerminalOptions = {},
  ) {
    this.caller = options.caller ?? 'demo-terminal';
    this.catchUpTimeoutMs = options.catchUpTimeoutMs ?? 60_000;
    this.beforeAsking = options.beforeAsking ?? (() => {});
  }

  /** Boxes kept back in the yard of each port. */
  waiting(): Record<string, number> {
    return Object.fromEntries([...this.yard].map(([port, moves]) => [port, moves.length]));
  }

  async gateOut(day: DayTraffic): Promise<Move[]> {
    await this.riskCaughtUp();
    // Boxes kept back earlier try again this morning.
    const morning = Date.parse(`${day.date}T06:00:00Z`);
    const retry = (this.yard.get(day.port) ?? []).map((m, i) => ({
      ...m,
      at: Math.max(m.at, morning + i * 60_000),
    }));
    const leaving: Move[] = [];
    const staying: Move[] = [];
    for (const move of [...retry, ...day.gateOuts]) {
      const answer = await this.gate.query(move.containerNumber, this.caller);
      (answer.decision === 'HOLD' ? staying : leaving).push(move);
    }
    this.yard.set(day.port, staying);
    return leaving.sort((a, b) => a.at - b.at);
  }

  private async riskCaughtUp(): Promise<void> {
    const deadline = Date.now() + this.catchUpTimeoutMs;
    while ((await pendingRiskEvents(this.db)) > 0 && Date.now() < deadline) {
      this.beforeAsking();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
