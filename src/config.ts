/**
 * The one place that reads the environment. Every variable is parsed and validated at start;
 * all problems are reported together so an operator can fix them in one go.
 */
import path from 'node:path';
import { z } from 'zod';

/**
 * A number from `min` to `max` (a whole one unless `fractions`), with one message for every way
 * to miss, e.g. "must be a whole number of records from 1 to 20000".
 */
function numberIn(
  what: string,
  min: number,
  max: number,
  options: { fractions?: boolean; maxText?: string } = {},
) {
  const message = `must be ${what} from ${min} to ${options.maxText ?? max}`;
  const n = z.coerce.number(message).min(min, message).max(max, message);
  return options.fractions ? n : n.int(message);
}

const GIB = 1024 * 1024 * 1024;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const bytes = numberIn('a whole number of bytes', 1, 64 * GIB, { maxText: `${64 * GIB} (64 GiB)` });
/** Never echoed in a message: a database URL can hold a password. */
const SECRET = new Set(['DATABASE_URL']);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  TANDEM_DATA_DIR: z.string().min(1).default('./data'),
  TANDEM_HOST: z.string().min(1).default('127.0.0.1'),
  TANDEM_PORT: numberIn('a port number', 0, 65535).default(8080),
  TANDEM_LOG_LEVEL: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).default('info'),
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
  TANDEM_SESSION_HOURS: numberIn('a number of hours', 0.1, 24 * 30, { fractions: true }).default(12),
  TANDEM_INGEST_MAX_BYTES: bytes.default(512 * 1024 * 1024),
  TANDEM_INGEST_BATCH_SIZE: numberIn('a whole number of records', 1, 20_000).default(2000),
  TANDEM_ATTACHMENT_MAX_BYTES: bytes.default(50 * 1024 * 1024),
  TANDEM_PROGRESS_SECONDS: numberIn('a number of seconds', 0, 3600, { fractions: true }).default(2),
});

export interface Config {
  /** Set when running on a PostgreSQL server; absent means the embedded database. */
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
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
    // Each problem names the variable, what it must be and what it was, so one look fixes it.
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.');
        return SECRET.has(name)
          ? `${name}: ${i.message}`
          : `${name}: ${i.message}; it is ${JSON.stringify(cleaned[name])}`;
      }),
    );
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
