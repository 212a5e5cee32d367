export {
  INSPECTION_DIMENSIONS,
  type InspectionDimension,
  SEIZURE_DIMENSIONS,
  type SeizureDimension,
} from './stats.repo.ts';
export { statsRoutes } from './stats.routes.ts';
export {
  type BarrierStats,
  barrierTables,
  exportName,
  type InspectionStats,
  inspectionTables,
  type SeizureStats,
  StatsService,
  seizureTables,
} from './stats.service.ts';
export { type ExportFormat, exportTables, type Table, toCsv } from './tables.ts';
