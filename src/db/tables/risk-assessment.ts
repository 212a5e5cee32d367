/** Table types for migration 0003 (models, assessments, selections, outcomes). Filled in with the migration. */
// biome-ignore lint/complexity/noBannedTypes: an empty table group until its migration lands.
export type RiskAssessmentTables = {};
