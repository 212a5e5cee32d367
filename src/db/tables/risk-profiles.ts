/** Table types for migration 0002 (risk profiles and their versions). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface RiskProfilesTable {
  id: Generated<number>;
  name: string;
  current_version: number;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface RiskProfileVersionsTable {
  profile_id: number;
  version: number;
  name: string;
  description: string;
  owner: string;
  expression: string;
  weight: number;
  action: 'score' | 'select';
  valid_from: NullableTimestamp;
  valid_to: NullableTimestamp;
  active: boolean;
  changed_at: Timestamp;
  changed_by: string;
  change_reason: string | null;
}

export interface RiskProfileTables {
  risk_profiles: RiskProfilesTable;
  risk_profile_versions: RiskProfileVersionsTable;
}
