/**
 * `tandem hold`, `tandem gate check` and `tandem breach` through the program's own parse, on a
 * database of each kind configured as a user would (TANDEM_DATA_DIR or DATABASE_URL).
 */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';
import { databaseKinds } from '../../test/support/databases.ts';
import {
  containerNumber,
  jsonLines,
  newConsignment,
  newContainerEvent,
} from '../../test/support/factories.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { drainBarrierEvents } from '../inspection/index.ts';

for (const kind of databaseKinds) {
  describe(`tandem hold, gate and breach [${kind}]`, () => {
    const { file } = terminalFor(kind, 'tandem-hold-cli-');
    const tandem = runTandem;

    it('places, lists and shows a hold; gate check answers without logging; a breach is listed', async () => {
      await tandem(
        'ingest',
        file('cargo.jsonl', jsonLines([{ type: 'consignment', ...newConsignment(11) }])),
      );
      const number = containerNumber(11);
      const placed = await tandem(
        'hold',
        'place',
        number,
        '--physical',
        '--reason',
        'intelligence on the consignee',
      );
      expect(placed).toMatch(
        new RegExp(`^hold (\\d+) placed on ${number} at BEANR; required: scan, physical`),
      );
      const holdId = Number(/^hold (\d+)/.exec(placed)?.[1]);

      const listed = JSON.parse(await tandem('hold', 'list', '--status', 'active', '--json'));
      expect(listed).toEqual([
        expect.objectContaining({ id: holdId, containerNumber: number, source: 'manual' }),
      ]);
      const shown = await tandem('hold', 'show', String(holdId));
      expect(shown).toContain('reason       intelligence on the consignee');
      expect(shown).toContain('scan queued');

      expect(await tandem('gate', 'check', number)).toBe(
        `${number}: HOLD (CUSTOMS_HOLD, SCAN_PENDING, PHYSICAL_PENDING), hold ${holdId}\n`,
      );
      expect(JSON.parse(await tandem('hold', 'show', String(holdId), '--json')).gateQueries).toEqual([]);

      const gateOut = newContainerEvent(11, { eventType: 'gate_out', occurredAt: new Date().toISOString() });
      await tandem('ingest', file('events.jsonl', jsonLines([{ type: 'container_event', ...gateOut }])));
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        expect(await drainBarrierEvents(database)).toBe(1);
      } finally {
        await database.close();
      }
      const breaches = await tandem('breach', 'list', '--open');
      expect(breaches).toContain(`${number}  BEANR  hold ${holdId}`);
      expect(breaches).toContain('OPEN');
      // Each command opens the database anew: on the embedded one that takes seconds each.
    }, 240_000);

    it('says what is wrong with a bad option or number', async () => {
      await expect(tandem('gate', 'check', 'MSCU1234560')).rejects.toThrow(/check digit/);
      await expect(tandem('hold', 'list', '--status', 'lifted')).rejects.toThrow(
        /active, released, overridden/,
      );
      await expect(
        tandem('hold', 'place', containerNumber(11), '--reason', 'x', '--port', 'NLRTM'),
      ).rejects.toThrow(/not one of this customs service's ports/);
      await expect(tandem('hold', 'require-physical', 'abc', '--reason', 'dog reacted')).rejects.toThrow(
        '"abc" is not a hold id',
      );
    });

    it('adds a physical inspection to a scan-only hold', async () => {
      const number = containerNumber(12);
      const placed = await tandem('hold', 'place', number, '--reason', 'routine tip');
      const holdId = Number(/^hold (\d+)/.exec(placed)?.[1]);
      await expect(tandem('hold', 'place', number, '--reason', 'open it too', '--physical')).rejects.toThrow(
        `tandem hold require-physical ${holdId}`,
      );
      expect(
        await tandem('hold', 'require-physical', String(holdId), '--reason', 'dog reacted at the fence'),
      ).toBe(`hold ${holdId} on ${number}: required scan, physical; the physical inspection is queued\n`);
      expect(await tandem('gate', 'check', number)).toBe(
        `${number}: HOLD (CUSTOMS_HOLD, SCAN_PENDING, PHYSICAL_PENDING), hold ${holdId}\n`,
      );
    }, 120_000);
  });
}
