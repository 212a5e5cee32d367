/**
 * All 24 real EDIFACT samples through the real ingest (validation, storage, quarantine) on both
 * databases: each either ingests or is refused with a precise reason, nothing crashes, and a
 * second run changes nothing. The expected outcomes are those documented in docs/edifact-samples.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ingestFile } from '../src/ingest/ingest.service.ts';
import { describeEachDatabase } from './support/databases.ts';
import { requireSharedData } from './support/shared-data.ts';

// [accepted, quarantined] for each sample, in alphabetical order of the files.
const expected: Record<string, [number, number]> = {
  'aperak-d00a-anz23.edi': [0, 0],
  'baplie-d04b-placeholder-singleline.edi': [0, 1],
  'baplie-d95b-smdg20-crmob-singleline.edi': [673, 0],
  'baplie-d95b-smdg20-gbsou-arrival.edi': [1, 0],
  'baplie-d95b-smdg20-mypkg-large.edi': [4054, 0],
  'baplie-d95b-smdg20-oocl-uslgb.edi': [4, 0],
  'baplie-smdg15-911-cnfoc.edi': [3625, 0],
  'coarri-d23a-crmob-mixed-linebreaks.edi': [74, 0],
  'coarri-d95b-itg13-itgoa.edi': [21, 0],
  'codeco-d00b-smdg21-vgm-1.edi': [1, 0],
  'codeco-d00b-smdg21-vgm-2.edi': [0, 0],
  'codeco-d00b-smdg21-vgm-4.edi': [1, 0],
  'coprar-d95b-nounb-release.edi': [0, 0],
  'cuscar-d03b-ace-ung-bom.edi': [0, 2],
  'cuscar-d95b-lot10-gbpme.edi': [2, 0],
  'cusres-1-921-es-error.edi': [0, 0],
  'iftmbc-d00b-segment-split-across-lines.edi': [0, 0],
  'iftmin-s93a-pn001-una-2msgs.edi': [0, 0],
  'iftsai-d99b-nlrtm-1.edi': [0, 0],
  'iftsai-d99b-nlrtm-4.edi': [0, 0],
  'iftsta-d00b-rail-intransit.edi': [0, 1],
  'movins-d95b-smdg20-singleline.edi': [0, 0],
  'paxlst-d03b-ace-syntax4-repetition.edi': [0, 0],
  'syntax-paores-release-character-torture.edi': [0, 0],
};

const dir = requireSharedData('edifact-samples');

describeEachDatabase('EDIFACT samples through the ingest', (ctx) => {
  it('covers every sample in the shared folder', () => {
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.edi'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it('ingests or precisely refuses each sample, and a second run changes nothing', {
    timeout: 300_000,
  }, async () => {
    for (const [file, [accepted, quarantined]] of Object.entries(expected)) {
      const s = await ingestFile(ctx.database, path.join(dir, file), { actor: 'test', fileName: file });
      expect({ file, accepted: s.accepted, quarantined: s.quarantined }).toEqual({
        file,
        accepted,
        quarantined,
      });
    }
    for (const file of Object.keys(expected)) {
      const s = await ingestFile(ctx.database, path.join(dir, file), { actor: 'test', fileName: file });
      expect({ file, accepted: s.accepted, updated: s.updated }).toEqual({ file, accepted: 0, updated: 0 });
    }
    // CODECO samples 1 and 2 report the same gate-in: 1 with the tare mass, 2 with the verified
    // gross mass. The event keeps both, whichever came last.
    const gateIn = await ctx.database.db
      .selectFrom('container_events')
      .select(['verified_gross_mass_kg', 'details', 'haulier'])
      .where('container_number', '=', 'PONU4863849')
      .where('event_type', '=', 'gate_in')
      .executeTakeFirstOrThrow();
    expect(gateIn).toMatchObject({
      verified_gross_mass_kg: 12373,
      details: { massesKg: { AET: 10474 }, truckPlate: 'LIK38I' },
      haulier: 'BELLWAY',
    });
    const reasons = await ctx.database.db
      .selectFrom('quarantine')
      .select(['file_name', 'position', 'field', 'value', 'code', 'reason'])
      .execute();
    expect(reasons).toContainEqual(
      expect.objectContaining({
        file_name: 'iftsta-d00b-rail-intransit.edi',
        field: 'containerNumber',
        value: 'TRHU4561222',
        code: 'invalid_check_digit',
      }),
    );
    for (const r of reasons) {
      expect(r.position).toMatch(/segment \d+/);
      expect(r.reason.length).toBeGreaterThan(10);
    }
  });

  it('stores the CUSCAR manifest with its parties, goods and containers', async () => {
    const c = await ctx.database.db
      .selectFrom('consignments')
      .innerJoin('port_calls', 'port_calls.id', 'consignments.port_call_id')
      .select([
        'consignments.id',
        'transport_document_number',
        'port_calls.port_locode',
        'port_calls.vessel_name',
      ])
      .execute();
    expect(c).toHaveLength(1);
    expect(c[0]!.port_locode).toBe('GBPME');
    const goods = await ctx.database.db
      .selectFrom('goods_items')
      .selectAll()
      .where('consignment_id', '=', c[0]!.id)
      .execute();
    expect(goods.length).toBeGreaterThanOrEqual(1);
  });
});
