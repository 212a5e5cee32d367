/**
 * `tandem ingest` and `tandem quarantine` through the program's own parse, on a database of each
 * kind configured as a user would (TANDEM_DATA_DIR or DATABASE_URL).
 */
import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';
import { databaseKinds } from '../../test/support/databases.ts';
import { containerNumber } from '../../test/support/factories.ts';
import { openDatabase } from '../db/index.ts';

for (const kind of databaseKinds) {
  describe(`tandem ingest and quarantine [${kind}]`, () => {
    const terminal = terminalFor(kind, 'tandem-ingest-cli-');

    it('quarantines a bad row with its reason; list and show find it; bad ids and limits are refused', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const file = terminal.file(
        'events.csv',
        'container_number,event_type,occurred_at,place_locode\n' +
          `${containerNumber(1)},gate_out,2026-11-29T10:00:00Z,BEANR\n` +
          `${containerNumber(2)},sunk,2026-11-29T11:00:00Z,BEANR\n` +
          `${containerNumber(3)},gate_in\n`,
      );
      const summary = JSON.parse(await runTandem('ingest', file, '--json'));
      expect(summary.totals).toMatchObject({ accepted: 1, quarantined: 2 });
      // The audit names the person at the terminal, as every other command does.
      const server = terminal.server;
      const database = server ?? (await openDatabase({ dataDir: process.env.TANDEM_DATA_DIR }));
      try {
        const ingested = await database.db.selectFrom('ingest_files').select('actor').execute();
        expect(ingested).toEqual([{ actor: `cli:${os.userInfo().username}` }]);
      } finally {
        if (!server) await database.close();
      }

      // Lists print a sentence for people when empty, and nothing at all as JSON lines.
      expect(await runTandem('quarantine', 'list', '--code', 'no_such_code')).toBe('quarantine is empty\n');
      expect(await runTandem('quarantine', 'list', '--code', 'no_such_code', '--json')).toBe('');
      expect(await runTandem('model', 'list')).toMatch(/^no model yet/);
      expect(await runTandem('model', 'list', '--json')).toBe('');
      const asJson = (await runTandem('quarantine', 'list', '--json')).trim().split('\n');
      expect(asJson.map((l) => JSON.parse(l).code).sort()).toEqual([
        'schema_violation',
        'wrong_column_count',
      ]);
      const listed = await runTandem('quarantine', 'list', '--limit', '5');
      expect(listed).toContain(
        'line 3  event_type="sunk"  schema_violation: event_type: must be one of loaded,',
      );
      // A problem of the whole row names no field (no "-=\"\"" placeholder).
      expect(listed).toMatch(/line 4 {2}wrong_column_count: /);
      const id = /^#(\d+) .*event_type="sunk"/m.exec(listed)?.[1] ?? '';
      const shown = await runTandem('quarantine', 'show', id);
      expect(shown).toMatch(/^field\s+event_type$/m);
      expect(shown).toMatch(/^value\s+sunk$/m);

      await expect(runTandem('quarantine', 'show', 'abc')).rejects.toThrow(
        '"abc" is not a quarantine entry id',
      );
      await expect(runTandem('quarantine', 'list', '--limit', 'many')).rejects.toThrow(
        '--limit must be a whole number from 1 to 10000; it is "many"',
      );
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      await runTandem('quarantine', 'show', '999999');
      expect(process.exitCode).toBe(1);
      expect(stderr.mock.calls.join('')).toContain('quarantine entry 999999 does not exist');
    });
  });
}
