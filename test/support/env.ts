/**
 * Test settings. Database tests run on both the embedded database and a PostgreSQL server
 * (TANDEM_TEST_DATABASE_URL, default the local server). A missing server fails the tests with
 * instructions, unless TANDEM_TEST_SKIP_SERVER=1 says to run on the embedded database only.
 */
import os from 'node:os';
import path from 'node:path';

export const serverUrl =
  process.env.TANDEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const skipServer = process.env.TANDEM_TEST_SKIP_SERVER === '1';
export const scratchDir = path.join(os.tmpdir(), 'tandem-test');

// Each test run gets its own templates, named by the run's id that global setup puts in the
// environment the workers inherit, so two runs at once never drop each other's template.
if (!process.env.TANDEM_TEST_RUN_ID) process.env.TANDEM_TEST_RUN_ID = String(process.pid);
const runId = process.env.TANDEM_TEST_RUN_ID;
export const templateDatabase = `tandem_test_template_${runId}`;
export const embeddedTemplateFile = path.join(scratchDir, `embedded-template-${runId}.tar`);

export function urlForDatabase(name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
