/**
 * The release gate: terminal systems ask whether a container may leave, and every question is
 * logged before it is answered (group commit, gate.log.ts). Officers can see what the gate would
 * answer (`check`) without their look being logged as a terminal's question.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { GateLog, type GateLogStats } from './gate.log.ts';
import { findGateHold, insertGateQueries } from './gate.repo.ts';
import { type GateAnswer, gateAnswer, type ParsedGateNumber, parseGateNumber } from './gate.ts';

export class ReleaseGate {
  private readonly log: GateLog;

  constructor(private readonly db: Kysely<DB>) {
    this.log = new GateLog((entries) => insertGateQueries(db, entries));
  }

  /** What the gate answers for this container now, not logged (for officers and the CLI). */
  async check(rawNumber: string): Promise<GateAnswer> {
    const parsed = parseGateNumber(rawNumber);
    if (!parsed.ok) throw invalidNumber(parsed);
    return this.decide(parsed.containerNumber);
  }

  /**
   * A terminal's question: answered only after it is in the gate log. An invalid number is
   * logged with decision INVALID and answered 400 `invalid_container_number`.
   */
  async query(rawNumber: string, caller: string): Promise<GateAnswer> {
    const parsed = parseGateNumber(rawNumber);
    if (!parsed.ok) {
      await this.logged({
        at: new Date(),
        containerNumber: parsed.logged,
        decision: 'INVALID',
        reasonCodes: [parsed.code],
        holdId: null,
        caller,
      });
      throw invalidNumber(parsed);
    }
    const answer = await this.decide(parsed.containerNumber);
    await this.logged({
      at: new Date(answer.checkedAt),
      containerNumber: answer.containerNumber,
      decision: answer.decision,
      reasonCodes: answer.reasons,
      holdId: answer.holdId ?? null,
      caller,
    });
    return answer;
  }

  /** Commits every logged question still queued; the server calls it when it closes. */
  close(): Promise<void> {
    return this.log.flush();
  }

  /** Inserts and rows committed by the gate log so far (the benchmark reports them). */
  logStats(): GateLogStats {
    return this.log.stats();
  }

  private async decide(containerNumber: string): Promise<GateAnswer> {
    const hold = await findGateHold(this.db, containerNumber);
    return gateAnswer(containerNumber, hold, new Date());
  }

  private async logged(entry: Parameters<GateLog['record']>[0]): Promise<void> {
    try {
      await this.log.record(entry);
    } catch (e) {
      // No answer without its log row: the terminal must keep the box and ask again.
      throw errors.databaseUnavailable(
        'the release gate could not log the question, so it gives no answer: keep the container and ask again',
        { cause: e instanceof Error ? e.message : String(e) },
      );
    }
  }
}

function invalidNumber(parsed: Extract<ParsedGateNumber, { ok: false }>) {
  return errors.invalidContainerNumber(`${parsed.reason}; the gate answers only for valid ISO 6346 numbers`, {
    check: parsed.code,
    value: parsed.logged,
  });
}
