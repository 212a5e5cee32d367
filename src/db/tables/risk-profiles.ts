/** Table types for migration 0002 (risk profiles). Filled in with the migration. */
// biome-ignore lint/complexity/noBannedTypes: an empty table group until its migration lands.
export type RiskProfileTables = {};
