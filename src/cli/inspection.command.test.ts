/**
 * `tandem scanner` and `tandem inspection` through the program's own parse, on a database of
 * each kind configured as a user would (TANDEM_DATA_DIR or DATABASE_URL): a scan with an anomaly,
 * its UFF file, the referred physical inspection with readings, and the hold released.
 */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';
import { databaseKinds } from '../../test/support/databases.ts';
import { containerNumber, jsonLines, newConsignment } from '../../test/support/factories.ts';

for (const kind of databaseKinds) {
  // Every command opens the database anew, as at a terminal: slow on the embedded database.
  describe(`tandem scanner and inspection [${kind}]`, { timeout: 240_000 }, () => {
    const { file } = terminalFor(kind, 'tandem-inspection-cli-');
    const tandem = runTandem;

    it('adds, changes and lists scanners, and says what is wrong with a bad port', async () => {
      expect(
        await tandem(
          'scanner',
          'add',
          'ANR-S1',
          '--port',
          'beanr',
          '--name',
          'Kallo portal',
          '--capacity',
          '6',
        ),
      ).toBe('added ANR-S1\tBEANR\t6/h\tactive\tKallo portal\n');
      expect(await tandem('scanner', 'set', 'ANR-S1', '--capacity', '12')).toContain('12/h\tactive');
      expect(JSON.parse(await tandem('scanner', 'list', '--json'))).toEqual([
        expect.objectContaining({ code: 'ANR-S1', port: 'BEANR', capacityPerHour: 12 }),
      ]);
      await expect(
        tandem('scanner', 'add', 'X1', '--port', 'ZZZZZ', '--name', 'x', '--capacity', '1'),
      ).rejects.toThrow(/ZZ is not an ISO 3166-1 country/);
      await expect(tandem('scanner', 'set', 'ANR-S1', '--capacity', 'lots')).rejects.toThrow(
        /whole boxes per hour/,
      );
      await expect(tandem('scanner', 'set', 'ANR-S1', '--capacity', '0')).rejects.toThrow(/^--capacity: /);
    });

    it('works a scan with an anomaly, its UFF file, the referred physical inspection and its readings', async () => {
      const number = containerNumber(21);
      await tandem(
        'ingest',
        file('cargo.jsonl', jsonLines([{ type: 'consignment', ...newConsignment(21) }])),
      );
      const placed = await tandem('hold', 'place', number, '--reason', 'intelligence on the consignee');
      const holdId = Number(/^hold (\d+)/.exec(placed)?.[1]);

      const queue = await tandem('inspection', 'queue', 'ANR-S1');
      expect(queue).toContain('ANR-S1 at BEANR: 1 box, 5.0 min each, 0 will miss their deadline');
      expect(queue).toContain(number);
      const [scan] = JSON.parse(await tandem('inspection', 'list', '--kind', 'scan', '--json'));
      const id = String(scan.id);

      await expect(tandem('inspection', 'start', id)).rejects.toThrow(
        /is queued: cannot start it; assign it first/,
      );
      expect(await tandem('inspection', 'assign', id, '--scanner', 'ANR-S1', '--assignee', 'ivo')).toContain(
        'assigned\tANR-S1 ivo',
      );
      expect(await tandem('inspection', 'start', id)).toContain('in_progress');
      const uff = file(
        'scan-0001.h5',
        Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]),
      );
      expect(await tandem('inspection', 'attach', id, uff, '--kind', 'uff')).toMatch(
        /^attached: attachment \d+ uff application\/x-hdf5 72 bytes/,
      );
      expect(await tandem('inspection', 'attach', id, uff, '--kind', 'uff')).toMatch(/^already attached/);
      await expect(
        tandem('inspection', 'attach', id, file('notes.txt', 'all fine'), '--kind', 'scan_image'),
      ).rejects.toThrow(/unrecognised file/);
      // Problems name the options typed, not the API's field names.
      await expect(tandem('inspection', 'complete', id, '--verdict', 'anomaly')).rejects.toThrow(
        '--region: an anomaly says where in the container it is',
      );
      await expect(
        tandem('inspection', 'attach', id, file('x', '').replace(/x$/, 'missing.png'), '--kind', 'photo'),
      ).rejects.toThrow(/^cannot read .*missing\.png: no such file$/);
      const completed = await tandem(
        'inspection',
        'complete',
        id,
        '--verdict',
        'anomaly',
        '--region',
        'roof, rear third',
      );
      expect(completed).toMatch(/completed anomaly \(roof, rear third\)/);
      expect(completed).toMatch(/referred to physical inspection \d+ \(queued\)/);
      expect(completed).toContain(`hold ${holdId}: still held`);

      const physical = String(/referred to physical inspection (\d+)/.exec(completed)?.[1]);
      await tandem('inspection', 'assign', physical, '--assignee', 'team-b');
      await tandem('inspection', 'start', physical);
      const field = await tandem(
        'inspection',
        'reading',
        physical,
        '--device',
        'raman',
        '--result',
        'positive',
        '--substance',
        'cocaine',
        '--sample',
        'S-21',
      );
      expect(field).toMatch(/^reading \d+: raman positive cocaine/);
      const fieldId = String(/^reading (\d+)/.exec(field)?.[1]);
      await expect(
        tandem('inspection', 'reading', physical, '--device', 'raman', '--result', 'positive'),
      ).rejects.toThrow(/substance/);
      // The positive field reading stands: the box stays held whatever the verdict.
      expect(await tandem('inspection', 'complete', physical, '--verdict', 'clear')).toContain(
        `hold ${holdId}: still held: the inspections found something (tandem hold show ${holdId})`,
      );
      expect(await tandem('hold', 'show', String(holdId))).toContain(
        `findings     reading #${fieldId} (inspection #${physical}): positive, cocaine`,
      );
      expect(await tandem('gate', 'check', number)).toMatch(/HOLD/);
      expect(
        await tandem(
          'inspection',
          'reading',
          physical,
          '--device',
          'laboratory',
          '--result',
          'positive',
          '--substance',
          'cocaine',
          '--sample',
          'S-21',
          '--confirms',
          fieldId,
          '--confidence',
          '0.98',
        ),
      ).toContain(`(confirms reading ${fieldId})`);
      const shown = JSON.parse(await tandem('inspection', 'show', physical));
      expect(shown).toMatchObject({
        status: 'completed',
        referredFrom: scan.id,
        hold: { id: holdId, status: 'active' },
      });
      expect(shown.readings[0].confirmedBy).toEqual([expect.objectContaining({ agrees: true })]);
    });
  });
}
