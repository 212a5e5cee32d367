/** HTTP API of statistics: JSON by default, CSV or XLSX with `?format=`. */
import { z } from 'zod';
import { fileAnswer, type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { INSPECTION_DIMENSIONS, SEIZURE_DIMENSIONS } from './stats.repo.ts';
import {
  barrierTables,
  exportName,
  inspectionTables,
  type StatsService,
  seizureTables,
} from './stats.service.ts';
import { exportTables } from './tables.ts';

const period = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
};

/** `groupBy=port,month`: a comma-separated list of the given dimensions. */
const groupBy = <T extends readonly [string, ...string[]]>(dimensions: T) =>
  z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((d) => d.trim())
            .filter((d) => d !== '')
        : [],
    )
    .pipe(z.array(z.enum(dimensions)));

const periodText =
  'Days are UTC and both inclusive; `from` or `to` may be left out. `format=csv|xlsx` answers a file.';

export function statsRoutes(stats: StatsService): RouteModule {
  return routeModule('statistics', [
    route('GET', '/v1/stats/seizures', 'stats:read')
      .summary(
        'Seizures, net mass and packages, grouped',
        `groupBy: any of ${SEIZURE_DIMENSIONS.join(', ')} (comma-separated, combinable; none gives the total). ${periodText}`,
      )
      .query(z.object({ ...period, groupBy: groupBy(SEIZURE_DIMENSIONS) }))
      .handle(async ({ query }) => {
        const figures = await stats.seizures(query, query.groupBy);
        if (query.format === 'json') return figures;
        const file = exportTables(seizureTables(figures), query.format, exportName('seizures', query));
        return fileAnswer(file.bytes, file.mediaType, file.fileName);
      }),
    route('GET', '/v1/stats/inspections', 'stats:read')
      .summary(
        'Holds inspected, hits and hit rate, grouped',
        `groupBy: any of ${INSPECTION_DIMENSIONS.join(', ')}. A hold is inspected when it has a labelled outcome (dated by its last ` +
          `completed inspection) and a hit when a seizure was recorded against it. ${periodText}`,
      )
      .query(z.object({ ...period, groupBy: groupBy(INSPECTION_DIMENSIONS) }))
      .handle(async ({ query }) => {
        const figures = await stats.inspections(query, query.groupBy);
        if (query.format === 'json') return figures;
        const file = exportTables(inspectionTables(figures), query.format, exportName('inspections', query));
        return fileAnswer(file.bytes, file.mediaType, file.fileName);
      }),
    route('GET', '/v1/stats/barrier', 'stats:read')
      .summary(
        'Risk containers that left without their required inspections (must be 0), and overrides apart',
        'Counts the holds, not overridden, with a gate-out while held (barrier breaches); lists every breach and every ' +
          `approved override with the two officers, the reason and whether the box then left. ${periodText}`,
      )
      .query(z.object(period))
      .handle(async ({ query }) => {
        const figures = await stats.barrier(query);
        if (query.format === 'json') return figures;
        const tables = barrierTables(figures);
        const file = exportTables(tables.sheets, query.format, exportName('barrier', query), tables.list);
        return fileAnswer(file.bytes, file.mediaType, file.fileName);
      }),
  ]);
}
