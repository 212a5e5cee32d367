import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber } from '../../test/support/factories.ts';
import type { Services } from '../api/capabilities.ts';
import { assembleServer } from '../api/serve.ts';
import { formatTable } from '../cli/stats.command.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { inspectionTables, seizureTables } from './stats.service.ts';
import { type BarrierSample, OVERRIDE_REASON, seedBarrierSample } from './stats-fixtures.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-stats-test'),
  TANDEM_LOG_LEVEL: 'silent',
});
const logger = createLogger('silent');

describeEachDatabase('statistics', (ctx) => {
  let app: ReturnType<typeof assembleServer>['app'];
  let services: Services;
  let base = '';
  let auth: Record<string, string> = {};
  let sample: BarrierSample;

  const get = async (url: string) => {
    const answer = await fetch(`${base}${url}`, { headers: auth });
    return answer;
  };
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked with exact expectations
  const json = async (url: string): Promise<any> => {
    const answer = await get(url);
    expect(answer.status, url).toBe(200);
    return answer.json();
  };

  beforeAll(async () => {
    ({ app, services } = assembleServer(config, ctx.database, logger));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await services.accounts.createToken('test', {
      name: 'analyst',
      scopes: ['stats:read'],
    });
    auth = { authorization: `Bearer ${token}` };
    sample = await seedBarrierSample(ctx.database, services.seizures);
  });
  afterAll(() => app.close());

  const year2026 = 'from=2026-01-01&to=2026-12-31';

  it('counts seizures, net mass and packages by each dimension', async () => {
    const total = await json(`/v1/stats/seizures?${year2026}`);
    expect(total).toMatchObject({ from: '2026-01-01', to: '2026-12-31', groupBy: [] });
    expect(total.rows).toEqual([{ seizures: 4, netMassKg: 975.75, packages: 190 }]);
    expect(total.total).toEqual({ seizures: 4, netMassKg: 975.75, packages: 190 });

    const rows = async (groupBy: string, range = year2026) =>
      (await json(`/v1/stats/seizures?${range}&groupBy=${groupBy}`)).rows;
    expect(await rows('port')).toEqual([
      { port: 'BEANR', seizures: 2, netMassKg: 920.5, packages: 140 },
      { port: 'NLRTM', seizures: 2, netMassKg: 55.25, packages: 50 },
    ]);
    expect(await rows('port,month')).toEqual([
      { port: 'BEANR', month: '2026-01', seizures: 2, netMassKg: 920.5, packages: 140 },
      { port: 'NLRTM', month: '2026-02', seizures: 2, netMassKg: 55.25, packages: 50 },
    ]);
    expect(await rows('substance')).toEqual([
      { substance: 'cannabis', seizures: 1, netMassKg: 800, packages: 40 },
      { substance: 'cocaine', seizures: 2, netMassKg: 165.75, packages: 150 },
      { substance: 'synthetic_drugs', seizures: 1, netMassKg: 10, packages: 0 },
    ]);
    expect(await rows('origin')).toEqual([
      { origin: 'BR', seizures: 1, netMassKg: 45.25, packages: 50 },
      { origin: 'CO', seizures: 1, netMassKg: 800, packages: 40 },
      { origin: 'EC', seizures: 2, netMassKg: 130.5, packages: 100 },
    ]);
    expect(await rows('concealment')).toEqual([
      { concealment: 'container_structure', seizures: 1, netMassKg: 10, packages: 0 },
      { concealment: 'cover_load', seizures: 1, netMassKg: 800, packages: 40 },
      { concealment: 'reefer_unit', seizures: 1, netMassKg: 45.25, packages: 50 },
      { concealment: 'rip_on_rip_off', seizures: 1, netMassKg: 120.5, packages: 100 },
    ]);
    expect(await rows('source')).toEqual([
      { source: 'model', seizures: 2, netMassKg: 845.25, packages: 90 },
      { source: 'profile', seizures: 1, netMassKg: 120.5, packages: 100 },
      { source: 'tracking_anomaly', seizures: 1, netMassKg: 10, packages: 0 },
    ]);
    // No period: the seizure of December 2025 counts too.
    expect((await json('/v1/stats/seizures?groupBy=year,substance')).rows).toEqual([
      { year: 2025, substance: 'heroin', seizures: 1, netMassKg: 5, packages: 5 },
      { year: 2026, substance: 'cannabis', seizures: 1, netMassKg: 800, packages: 40 },
      { year: 2026, substance: 'cocaine', seizures: 2, netMassKg: 165.75, packages: 150 },
      { year: 2026, substance: 'synthetic_drugs', seizures: 1, netMassKg: 10, packages: 0 },
    ]);
    // `to` counts its whole day: S2 was seized on 2026-01-21 at 10:00.
    expect(await rows('port', 'from=2026-01-21&to=2026-01-21')).toEqual([
      { port: 'BEANR', seizures: 1, netMassKg: 800, packages: 40 },
    ]);
  });

  it('counts holds inspected, hits and hit rates by reason, port and profile', async () => {
    const q1 = 'from=2026-01-01&to=2026-03-31';
    const all = await json(`/v1/stats/inspections?${q1}`);
    expect(all.total).toEqual({ inspected: 6, hits: 4, hitRate: 0.6667 });
    expect((await json(`/v1/stats/inspections?${q1}&groupBy=reason`)).rows).toEqual([
      { reason: 'exploration', inspected: 2, hits: 1, hitRate: 0.5 },
      { reason: 'mandatory_profile', inspected: 1, hits: 1, hitRate: 1 },
      { reason: 'risk', inspected: 3, hits: 2, hitRate: 0.6667 },
    ]);
    expect((await json(`/v1/stats/inspections?${q1}&groupBy=port`)).rows).toEqual([
      { port: 'BEANR', inspected: 4, hits: 2, hitRate: 0.5 },
      { port: 'NLRTM', inspected: 2, hits: 2, hitRate: 1 },
    ]);
    const byProfile = await json(`/v1/stats/inspections?${q1}&groupBy=profile`);
    expect(byProfile.rows).toEqual([
      { profileId: 101, profile: 'Cocaine route from Ecuador', inspected: 2, hits: 2, hitRate: 1 },
      { profileId: 102, profile: 'New consignee, reefer', inspected: 3, hits: 2, hitRate: 0.6667 },
      { profileId: null, profile: null, inspected: 2, hits: 1, hitRate: 0.5 },
    ]);
    // A hold hit by two profiles counts under each, but once in the total.
    expect(byProfile.total).toEqual({ inspected: 6, hits: 4, hitRate: 0.6667 });
    expect(
      (await json('/v1/stats/inspections?from=2026-02-01&to=2026-02-28&groupBy=port,reason')).rows,
    ).toEqual([
      { port: 'BEANR', reason: 'exploration', inspected: 1, hits: 0, hitRate: 0 },
      { port: 'NLRTM', reason: 'exploration', inspected: 1, hits: 1, hitRate: 1 },
      { port: 'NLRTM', reason: 'risk', inspected: 1, hits: 1, hitRate: 1 },
    ]);
    expect((await json('/v1/stats/inspections?from=2027-01-01')).total).toEqual({
      inspected: 0,
      hits: 0,
      hitRate: null,
    });
  });

  it('counts risk containers that left while held, and lists overrides apart', async () => {
    const march = await json('/v1/stats/barrier?from=2026-03-01&to=2026-03-31');
    expect(march.riskContainersLeftWithoutInspection).toBe(1);
    expect(march.holds).toEqual({ placed: 2, releasedAfterInspection: 0, overridden: 1, active: 1 });
    expect(march.breaches).toEqual([
      expect.objectContaining({
        holdId: sample.holds.get(6),
        containerNumber: containerNumber(6),
        port: 'BEANR',
        eventAt: '2026-03-02T07:00:00.000Z',
        overridden: false,
        selectionReason: 'risk',
      }),
      expect.objectContaining({ holdId: sample.holds.get(7), overridden: true }),
    ]);
    expect(march.overrides).toEqual([
      expect.objectContaining({
        holdId: sample.holds.get(7),
        containerNumber: containerNumber(7),
        port: 'NLRTM',
        requestedBy: 'user:anna',
        approvedBy: 'user:bert',
        reason: OVERRIDE_REASON,
        leftTerminal: true,
        leftAt: '2026-03-06T07:00:00.000Z',
      }),
    ]);
    const january = await json('/v1/stats/barrier?from=2026-01-01&to=2026-01-31');
    expect(january).toMatchObject({ riskContainersLeftWithoutInspection: 0, breaches: [], overrides: [] });
    expect(january.holds).toEqual({ placed: 3, releasedAfterInspection: 3, overridden: 0, active: 0 });
  });

  it('exports CSV with its content type and file name', async () => {
    const answer = await get(`/v1/stats/seizures?${year2026}&groupBy=port,month&format=csv`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toContain(
      'filename="tandem-seizures_2026-01-01_2026-12-31.csv"',
    );
    expect(await answer.text()).toBe(
      'port,month,seizures,net mass kg,packages\r\nBEANR,2026-01,2,920.5,140\r\nNLRTM,2026-02,2,55.25,50\r\n',
    );
    const barrier = await (await get('/v1/stats/barrier?from=2026-03-01&to=2026-03-31&format=csv')).text();
    expect(barrier.split('\r\n')).toEqual([
      'record,hold,container,port,at,counts as left uninspected,requested by,approved by,reason,left terminal',
      `breach,${sample.holds.get(6)},${containerNumber(6)},BEANR,2026-03-02T07:00:00.000Z,true,,,,true`,
      `breach,${sample.holds.get(7)},${containerNumber(7)},NLRTM,2026-03-06T07:00:00.000Z,false,,,,true`,
      `override,${sample.holds.get(7)},${containerNumber(7)},NLRTM,2026-03-06T08:00:00.000Z,false,user:anna,user:bert,"${OVERRIDE_REASON}",true`,
      '',
    ]);
  });

  it('exports XLSX that a spreadsheet library reads with typed cells', async () => {
    const answer = await get(
      '/v1/stats/inspections?from=2026-01-01&to=2026-03-31&groupBy=profile&format=xlsx',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(answer.headers.get('content-disposition')).toContain(
      'filename="tandem-inspections_2026-01-01_2026-03-31.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await answer.arrayBuffer());
    const sheet = workbook.getWorksheet('Inspections');
    if (!sheet) throw new Error('no Inspections sheet');
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['profile id', 'profile', 'holds inspected', 'hits', 'hit rate']);
    expect(values(2)).toEqual([101, 'Cocaine route from Ecuador', 2, 2, 1]);
    expect(values(3)).toEqual([102, 'New consignee, reefer', 3, 2, 0.6667]);
    expect(values(4)).toEqual([undefined, 'no profile hit', 2, 1, 0.5]);
    expect(sheet.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.Number);

    const barrier = await get('/v1/stats/barrier?from=2026-03-01&to=2026-03-31&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await barrier.arrayBuffer());
    expect(book.worksheets.map((w) => w.name)).toEqual(['Summary', 'Breaches', 'Overrides']);
    const summary = book.getWorksheet('Summary');
    if (!summary) throw new Error('no Summary sheet');
    expect((summary.getRow(4).values as unknown[]).slice(1)).toEqual([
      'risk containers that left without their required inspections',
      1,
    ]);
    const override = book.getWorksheet('Overrides')?.getRow(2);
    expect(override?.getCell(7).value).toEqual(new Date('2026-03-06T08:00:00Z'));
    expect(override?.getCell(9).value).toBe(true);
  });

  it('refuses unknown groupings and reversed periods with what is accepted', async () => {
    const bad = await get('/v1/stats/seizures?groupBy=port,colour');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('concealment');
    const reversed = await get('/v1/stats/seizures?from=2026-02-01&to=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { error: { message: string } }).error.message).toBe(
      'the period ends (2026-01-01) before it starts (2026-02-01)',
    );
  });

  it('prints the tables for a terminal', async () => {
    const seizures = await services.stats.seizures({ from: '2026-01-01', to: '2026-12-31' }, ['port']);
    expect(formatTable(seizureTables(seizures)[0])).toBe(
      [
        'port   seizures  net mass kg  packages',
        'BEANR         2        920.5       140',
        'NLRTM         2        55.25        50',
        '',
      ].join('\n'),
    );
    const inspections = await services.stats.inspections({ from: '2027-01-01' }, ['reason']);
    expect(formatTable(inspectionTables(inspections)[0])).toBe(
      'selection reason  holds inspected  hits  hit rate\n(no rows)\n',
    );
  });
});
