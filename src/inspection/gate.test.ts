import { describe, expect, it } from 'vitest';
import { containerNumber } from '../../test/support/factories.ts';
import { GroupCommit } from './gate.log.ts';
import type { GateLogEntry } from './gate.repo.ts';
import { type GateHoldRow, gateAnswer, parseGateNumber } from './gate.ts';

const at = new Date('2026-03-01T08:00:00Z');
const number = containerNumber(42);

describe('gate answer', () => {
  const cases: {
    name: string;
    hold: GateHoldRow | undefined;
    pending?: boolean;
    decision: string;
    reasons: string[];
  }[] = [
    { name: 'no hold', hold: undefined, decision: 'RELEASE', reasons: ['NO_CUSTOMS_HOLD'] },
    {
      name: 'scan required, none done',
      hold: { id: 1, status: 'active', required: ['scan'], completed: [] },
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING'],
    },
    {
      name: 'scan and physical required, none done',
      hold: { id: 1, status: 'active', required: ['physical', 'scan'], completed: [] },
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING', 'PHYSICAL_PENDING'],
    },
    {
      name: 'scan done, physical pending',
      hold: { id: 1, status: 'active', required: ['scan', 'physical'], completed: ['scan'] },
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'PHYSICAL_PENDING'],
    },
    {
      name: 'active hold whose inspections are done but not yet settled still holds',
      hold: { id: 1, status: 'active', required: ['scan'], completed: ['scan'] },
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD'],
    },
    {
      name: 'released after inspections',
      hold: { id: 1, status: 'released', required: ['scan'], completed: [] },
      decision: 'RELEASE',
      reasons: ['INSPECTIONS_COMPLETE'],
    },
    {
      name: 'overridden',
      hold: { id: 1, status: 'overridden', required: ['scan'], completed: [] },
      decision: 'RELEASE',
      reasons: ['OVERRIDDEN'],
    },
    {
      name: 'manifest not yet assessed, no hold',
      hold: undefined,
      pending: true,
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'ASSESSMENT_PENDING'],
    },
    {
      name: 'a new manifest not yet assessed after a hold was lifted',
      hold: { id: 1, status: 'released', required: ['scan'], completed: [] },
      pending: true,
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'ASSESSMENT_PENDING'],
    },
    {
      name: 'an active hold names its inspections, whatever else is pending',
      hold: { id: 1, status: 'active', required: ['scan'], completed: [] },
      pending: true,
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const answer = gateAnswer(number, { hold: c.hold, assessmentPending: c.pending ?? false }, at);
      expect(answer).toEqual({
        containerNumber: number,
        decision: c.decision,
        reasons: c.reasons,
        ...(c.hold && !(c.pending && c.hold.status !== 'active') ? { holdId: c.hold.id } : {}),
        checkedAt: at.toISOString(),
      });
    });
  }

  it('normalises a number as terminals write it and names what is wrong with a bad one', () => {
    const spaced = `${number.slice(0, 4).toLowerCase()} ${number.slice(4, 10)}-${number.slice(10)}`;
    expect(parseGateNumber(spaced)).toEqual({ ok: true, containerNumber: number });
    const wrongDigit = `${number.slice(0, 10)}${(Number(number.slice(10)) + 1) % 10}`;
    expect(parseGateNumber(wrongDigit)).toMatchObject({
      ok: false,
      code: 'INVALID_CHECK_DIGIT',
      logged: wrongDigit,
    });
    expect(parseGateNumber('x'.repeat(100))).toMatchObject({
      ok: false,
      code: 'INVALID_FORMAT',
      logged: 'x'.repeat(32),
    });
  });
});

/** A writer whose inserts finish only when the test says so. */
function controlledWriter() {
  const batches: GateLogEntry[][] = [];
  const finishers: { ok: () => void; fail: (e: Error) => void }[] = [];
  const write = (entries: readonly GateLogEntry[]) =>
    new Promise<undefined[]>((ok, fail) => {
      batches.push([...entries]);
      finishers.push({ ok: () => ok(entries.map(() => undefined)), fail });
    });
  return { batches, finishers, write };
}

const entry = (n: number): GateLogEntry => ({
  at,
  containerNumber: containerNumber(n),
  decision: 'RELEASE',
  reasonCodes: ['NO_CUSTOMS_HOLD'],
  holdId: null,
  caller: 'token:1:terminal',
});

describe('gate log (group commit)', () => {
  it('writes entries of one turn together, queues entries during a flush and writes them in one insert', async () => {
    const same = controlledWriter();
    const sameTurn = new GroupCommit(same.write);
    const both = [sameTurn.submit(entry(8)), sameTurn.submit(entry(9))];
    await new Promise((r) => setImmediate(r));
    expect(same.batches.map((b) => b.length)).toEqual([2]);
    same.finishers[0]!.ok();
    await Promise.all(both);

    const w = controlledWriter();
    const log = new GroupCommit(w.write);
    const settled: number[] = [];
    const first = log.submit(entry(1)).then(() => settled.push(1));
    await new Promise((r) => setImmediate(r));
    expect(w.batches).toHaveLength(1);
    const rest = [2, 3, 4, 5].map((n) => log.submit(entry(n)).then(() => settled.push(n)));
    // Nothing is acknowledged before its row is written.
    await Promise.resolve();
    expect(settled).toEqual([]);
    expect(w.batches).toHaveLength(1);
    w.finishers[0]!.ok();
    await first;
    expect(settled).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(w.batches).toHaveLength(2);
    expect(w.batches[1]!.map((e) => e.containerNumber)).toEqual([2, 3, 4, 5].map((n) => containerNumber(n)));
    expect(settled).toEqual([1]);
    w.finishers[1]!.ok();
    await Promise.all(rest);
    expect(settled.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(log.stats()).toEqual({ flushes: 2, rows: 5, largestBatch: 4 });
  });

  it('fails every entry of a batch whose insert fails, and goes on with the next batch', async () => {
    const w = controlledWriter();
    const log = new GroupCommit(w.write);
    const a = log.submit(entry(1));
    await new Promise((r) => setImmediate(r));
    const b = log.submit(entry(2));
    w.finishers[0]!.fail(new Error('disk full'));
    await expect(a).rejects.toThrow('disk full');
    await new Promise((r) => setImmediate(r));
    w.finishers[1]!.ok();
    await expect(b).resolves.toBeUndefined();
    expect(log.stats().rows).toBe(1);
  });

  it('gives each item its own result, and fails a batch whose results do not match its items', async () => {
    const doubled = new GroupCommit(async (items: readonly number[]) => items.map((n) => n * 2));
    await expect(Promise.all([1, 2, 3].map((n) => doubled.submit(n)))).resolves.toEqual([2, 4, 6]);
    expect(doubled.stats()).toEqual({ flushes: 1, rows: 3, largestBatch: 3 });
    const short = new GroupCommit(async (items: readonly number[]) => items.slice(1));
    await expect(Promise.all([short.submit(1), short.submit(2)])).rejects.toThrow(
      'a batch of 2 gave 1 results',
    );
  });

  it('flush waits for everything recorded so far', async () => {
    const w = controlledWriter();
    const log = new GroupCommit(w.write);
    let committed = 0;
    void log.submit(entry(1)).then(() => committed++);
    await new Promise((r) => setImmediate(r));
    void log.submit(entry(2)).then(() => committed++);
    let flushed = false;
    const flushing = log.flush().then(() => {
      flushed = true;
    });
    w.finishers[0]!.ok();
    // The next batch starts one turn of the event loop after the first ends.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    w.finishers[1]!.ok();
    await flushing;
    expect(committed).toBe(2);
  });
});
