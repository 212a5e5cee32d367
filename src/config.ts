/**
 * The one place that reads the environment. Every variable is parsed and validated at start;
 * all problems are reported together so an operator can fix them in one go.
 */
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  TANDEM_DATA_DIR: z.string().min(1).default('./data'),
  TANDEM_HOST: z.string().min(1).default('127.0.0.1'),
  TANDEM_PORT: port.default(8080),
  TANDEM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TANDEM_AGENCY_CODE: z
    .string()
    .regex(/^[A-Z0-9-]{2,16}$/, 'must be 2-16 upper-case letters, digits or -')
    .default('BE-CUSTOMS'),
  TANDEM_AGENCY_NAME: z.string().min(1).default('Belgian Customs (Antwerp-Bruges)'),
  TANDEM_PORTS: z
    .string()
    .regex(
      /^[A-Z]{2}[A-Z2-9]{3}(,[A-Z]{2}[A-Z2-9]{3})*$/,
      'must be a comma-separated list of UN/LOCODEs, e.g. BEANR,NLRTM',
    )
    .default('BEANR'),
  TANDEM_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  TANDEM_INGEST_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  TANDEM_INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(20_000).default(2000),
  TANDEM_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  TANDEM_PROGRESS_SECONDS: z.coerce.number().min(0).max(3600).default(2),
});

export interface Config {
  /** Set when running on a PostgreSQL server; absent means the embedded database. */
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  agency: { code: string; name: string; ports: string[] };
  sessionHours: number;
  ingestMaxBytes: number;
  /** Records stored per transaction during ingest. */
  ingestBatchSize: number;
  /** Largest evidence file (scan image, UFF file, document, photo) accepted in one upload. */
  attachmentMaxBytes: number;
  /** How often a long command writes a progress line when stderr is not a terminal (a log file, CI). */
  progressSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the given environment (default: the process environment) into a typed config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.TANDEM_DATA_DIR),
    host: e.TANDEM_HOST,
    port: e.TANDEM_PORT,
    logLevel: e.TANDEM_LOG_LEVEL,
    agency: { code: e.TANDEM_AGENCY_CODE, name: e.TANDEM_AGENCY_NAME, ports: e.TANDEM_PORTS.split(',') },
    sessionHours: e.TANDEM_SESSION_HOURS,
    ingestMaxBytes: e.TANDEM_INGEST_MAX_BYTES,
    ingestBatchSize: e.TANDEM_INGEST_BATCH_SIZE,
    attachmentMaxBytes: e.TANDEM_ATTACHMENT_MAX_BYTES,
    progressSeconds: e.TANDEM_PROGRESS_SECONDS,
  };
}
