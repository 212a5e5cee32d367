/**
 * The release gate: terminal systems ask whether a container may leave, and every question is
 * logged before it is answered (group commit, gate.log.ts). Officers can see what the gate would
 * answer (`check`) without their look being logged as a terminal's question.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { GroupCommit, type GroupCommitStats } from './gate.log.ts';
import { findGateStates, type GateLogEntry, insertGateQueries } from './gate.repo.ts';
import { type GateAnswer, gateAnswer, type ParsedGateNumber, parseGateNumber } from './gate.ts';

/** A terminal's question as it waits in the group commit. */
interface Question {
  parsed: ParsedGateNumber;
  caller: string;
}

export class ReleaseGate {
  private readonly batches: GroupCommit<Question, GateAnswer | undefined>;

  constructor(private readonly db: Kysely<DB>) {
    this.batches = new GroupCommit((questions) => this.answerAndLog(questions));
  }

  /** What the gate answers for this container now, not logged (for officers and the CLI). */
  async check(rawNumber: string): Promise<GateAnswer> {
    const parsed = parseGateNumber(rawNumber);
    if (!parsed.ok) throw invalidNumber(parsed);
    const states = await findGateStates(this.db, [parsed.containerNumber]);
    return gateAnswer(parsed.containerNumber, states.get(parsed.containerNumber), new Date());
  }

  /**
   * A terminal's question: answered only after it is in the gate log. An invalid number is
   * logged with decision INVALID and answered 400 `invalid_container_number`. Concurrent
   * questions share one lookup and one insert (group commit, gate.log.ts).
   */
  async query(rawNumber: string, caller: string): Promise<GateAnswer> {
    const parsed = parseGateNumber(rawNumber);
    let answer: GateAnswer | undefined;
    try {
      answer = await this.batches.submit({ parsed, caller });
    } catch (e) {
      // No answer without its log row: the terminal must keep the box and ask again.
      throw errors.databaseUnavailable(
        'the release gate could not log the question, so it gives no answer: keep the container and ask again',
        { cause: e instanceof Error ? e.message : String(e) },
      );
    }
    if (!parsed.ok) throw invalidNumber(parsed);
    if (!answer) throw new Error(`the gate's batch gave no answer for ${parsed.containerNumber}`);
    return answer;
  }

  /** Commits every logged question still queued; the server calls it when it closes. */
  close(): Promise<void> {
    return this.batches.flush();
  }

  /** Batches and rows committed by the gate log so far (the benchmark reports them). */
  logStats(): GroupCommitStats {
    return this.batches.stats();
  }

  /**
   * One batch: one lookup for all valid numbers, the answers, one insert of all log rows, on one
   * connection taken once. (On the embedded database every other query waits in one queue: taking
   * the connection twice would queue the insert behind whatever arrived during the lookup, an
   * ingest batch for example, and double the wait.)
   */
  private answerAndLog(questions: readonly Question[]): Promise<(GateAnswer | undefined)[]> {
    return this.db.connection().execute((db) => this.answerAndLogOn(db, questions));
  }

  private async answerAndLogOn(
    db: Kysely<DB>,
    questions: readonly Question[],
  ): Promise<(GateAnswer | undefined)[]> {
    const numbers = questions.flatMap((q) => (q.parsed.ok ? [q.parsed.containerNumber] : []));
    const states = await findGateStates(db, numbers);
    const now = new Date();
    const answers = questions.map((q) =>
      q.parsed.ok
        ? gateAnswer(q.parsed.containerNumber, states.get(q.parsed.containerNumber), now)
        : undefined,
    );
    await insertGateQueries(
      db,
      questions.map(({ parsed, caller }, i): GateLogEntry => {
        const answer = answers[i];
        if (!answer) {
          const invalid = parsed as Extract<ParsedGateNumber, { ok: false }>;
          return {
            at: now,
            containerNumber: invalid.logged,
            decision: 'INVALID',
            reasonCodes: [invalid.code],
            holdId: null,
            caller,
          };
        }
        return {
          at: now,
          containerNumber: answer.containerNumber,
          decision: answer.decision,
          reasonCodes: answer.reasons,
          holdId: answer.holdId ?? null,
          caller,
        };
      }),
    );
    return answers;
  }
}

function invalidNumber(parsed: Extract<ParsedGateNumber, { ok: false }>) {
  return errors.invalidContainerNumber(`${parsed.reason}; the gate answers only for valid ISO 6346 numbers`, {
    check: parsed.code,
    value: parsed.logged,
  });
}
