import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The problems reported for `env`, or [] when it loads. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe('configuration', () => {
  it('runs with nothing set: the embedded database in ./data, Belgian customs at Antwerp', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: path.resolve('data'),
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      agency: { code: 'BE-CUSTOMS', ports: ['BEANR'] },
      sessionHours: 12,
      ingestBatchSize: 2000,
      progressSeconds: 2,
    });
  });

  it('reads every variable into its typed value; an empty one counts as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://tandem@db.example:5432/tandem',
      TANDEM_DATA_DIR: '/var/lib/tandem',
      TANDEM_PORT: '9000',
      TANDEM_LOG_LEVEL: 'warn',
      TANDEM_AGENCY_CODE: 'NL-CUSTOMS',
      TANDEM_AGENCY_NAME: 'Dutch Customs (Rotterdam)',
      TANDEM_PORTS: 'NLRTM,NLAMS',
      TANDEM_SESSION_HOURS: '0.5',
      TANDEM_INGEST_BATCH_SIZE: '500',
      TANDEM_PROGRESS_SECONDS: '0',
      TANDEM_HOST: '',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://tandem@db.example:5432/tandem',
      dataDir: '/var/lib/tandem',
      host: '127.0.0.1',
      port: 9000,
      logLevel: 'warn',
      agency: { code: 'NL-CUSTOMS', name: 'Dutch Customs (Rotterdam)', ports: ['NLRTM', 'NLAMS'] },
      sessionHours: 0.5,
      ingestBatchSize: 500,
      progressSeconds: 0,
    });
  });

  it('reports every bad variable at once, each with what it must be and what it is', () => {
    expect(
      problems({
        TANDEM_PORT: 'abc',
        TANDEM_LOG_LEVEL: 'loud',
        TANDEM_PORTS: 'antwerp',
        TANDEM_SESSION_HOURS: '0',
        TANDEM_INGEST_MAX_BYTES: '1e12',
        TANDEM_INGEST_BATCH_SIZE: '2.5',
        TANDEM_PROGRESS_SECONDS: '-1',
      }),
    ).toEqual([
      'TANDEM_PORT: must be a port number from 0 to 65535; it is "abc"',
      'TANDEM_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent; it is "loud"',
      'TANDEM_PORTS: must be a comma-separated list of UN/LOCODEs, e.g. BEANR,NLRTM; it is "antwerp"',
      'TANDEM_SESSION_HOURS: must be a number of hours from 0.1 to 720; it is "0"',
      'TANDEM_INGEST_MAX_BYTES: must be a whole number of bytes from 1 to 68719476736 (64 GiB); it is "1e12"',
      'TANDEM_INGEST_BATCH_SIZE: must be a whole number of records from 1 to 20000; it is "2.5"',
      'TANDEM_PROGRESS_SECONDS: must be a number of seconds from 0 to 3600; it is "-1"',
    ]);
    expect(problems({ TANDEM_PORT: '70000' })).toEqual([
      'TANDEM_PORT: must be a port number from 0 to 65535; it is "70000"',
    ]);
  });

  it('never repeats a database URL in a message: it can hold a password', () => {
    const reported = problems({ DATABASE_URL: 'mysql://tandem:s3cret@db.example/tandem' });
    expect(reported).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
    expect(new ConfigError(reported).message).not.toContain('s3cret');
  });
});
