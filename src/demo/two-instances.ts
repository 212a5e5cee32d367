/**
 * The two-instance demo: Belgian customs for Antwerp-Bruges (BEANR) and Dutch customs for
 * Rotterdam (NLRTM), each a separate `tandem demo --single` process with its own data folder,
 * embedded database, agency identity and keys, API port and workers, each fed its own port's
 * simulated traffic. This module starts both, introduces them to each other over their HTTP
 * APIs as two administrators would (identity, partner, sharing policy), creates at Belgian
 * customs an alert about a container that will arrive in Rotterdam, watches the Dutch instance
 * until that alert has matched Dutch traffic, and stops both on request.
 *
 * Why two processes rather than two instances in one: each service is sovereign and shares
 * nothing but HTTP with the other, as in reality; the embedded database (PGlite) runs its work on
 * the JavaScript thread of its process, so two processes use both cores (the histories load in
 * parallel) and one instance's load never stalls the other's API; and one instance can stop or
 * fail while the other runs on. The children talk to the parent over Node's IPC channel only to
 * say where they listen and how far their feed is.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type AlertTarget, demoAlertBody, pickAlertTarget } from './demo-alert.ts';

export interface DemoAgency {
  key: 'be' | 'nl';
  code: string;
  name: string;
  locode: string;
  folder: string;
}

export const DEMO_AGENCIES: readonly DemoAgency[] = [
  {
    key: 'be',
    code: 'BE-CUSTOMS',
    name: 'Belgian Customs (Antwerp-Bruges)',
    locode: 'BEANR',
    folder: 'be-customs',
  },
  { key: 'nl', code: 'NL-CUSTOMS', name: 'Dutch Customs (Rotterdam)', locode: 'NLRTM', folder: 'nl-customs' },
];

/** What each side lets the other have in the demo: alerts, feedback, MO reports and statistics up to AMBER. */
export const DEMO_SHARING_POLICY = {
  allow: ['alert', 'feedback', 'mo_report'],
  tlpMax: 'AMBER',
  personalData: false,
  fourEyes: false,
  shareStatistics: true,
} as const;

export interface TwoInstanceOptions {
  /** Parent of the two data folders (`be-customs`, `nl-customs`). */
  baseDir: string;
  host: string;
  /** API ports of BE and NL; 0 picks free ones. */
  ports: { be: number; nl: number };
  historyDays: number;
  scale: number;
  liveIntervalSeconds: number;
  seed: number;
  logLevel: string;
  /** Milliseconds to wait for an instance to start listening. */
  startTimeoutMs?: number;
  onStatus?: (line: string) => void;
  onProgress?: (line: string) => void;
}

export interface RunningInstance {
  agency: DemoAgency;
  url: string;
  dataDir: string;
  password: string;
}

export interface SeededAlert {
  alertId: number;
  uid: string;
  target: AlertTarget;
}

export interface PartnerHit {
  alertUid: string;
  entityType: string;
  identifierKind: string;
  identifierValue: string;
  createdAt: string;
}

export interface TwoInstanceDemo {
  be: RunningInstance;
  nl: RunningInstance;
  /** The alert created at BE (undefined when no upcoming container was found). */
  alert: SeededAlert | undefined;
  /** Resolves when the alert has matched NL traffic. */
  hit: Promise<PartnerHit>;
  /** Resolves with an exit code once both instances have ended. */
  exited: Promise<number>;
  /** Stops both instances (each finishes its requests, stops its workers and closes its database). */
  stop(): Promise<number>;
}

const childMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    url: z.string(),
    plan: z.object({ from: z.string(), seed: z.number(), scale: z.number(), portDaysDone: z.number() }),
  }),
  z.object({ type: z.literal('progress'), line: z.string() }),
  z.object({ type: z.literal('history'), files: z.number(), records: z.number() }),
]);
export type DemoChildMessage = z.infer<typeof childMessage>;

const TANDEM_BIN = fileURLToPath(new URL('../../bin/tandem.js', import.meta.url));
const ALERT_FILE = 'demo-alert.json';
const savedAlert = z.object({
  alertId: z.number(),
  uid: z.string(),
  target: z.object({
    containerNumber: z.string(),
    transportDocumentNumber: z.string(),
    vesselName: z.string(),
    vesselImo: z.string(),
    arrival: z.string(),
    date: z.string(),
    dayIndex: z.number(),
    origin: z.string(),
    contaminated: z.boolean(),
  }),
});

interface Child {
  agency: DemoAgency;
  dataDir: string;
  process: ChildProcess;
  exit: Promise<number>;
  ready: Promise<Extract<DemoChildMessage, { type: 'ready' }>>;
}

/** Starts both instances, introduces them, seeds the alert; see the header. */
export async function startTwoInstanceDemo(options: TwoInstanceOptions): Promise<TwoInstanceDemo> {
  const status = options.onStatus ?? (() => {});
  const password = sharedPassword(options.baseDir);
  const progress = new Map<string, string>();
  const children = DEMO_AGENCIES.map((agency) =>
    spawnInstance(agency, options, (line) => {
      progress.set(agency.key, line);
      options.onProgress?.([...progress.entries()].map(([k, l]) => `${k.toUpperCase()} ${l}`).join('  |  '));
    }),
  );
  const stop = async (): Promise<number> => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGTERM');
    const codes = await Promise.all(children.map((c) => c.exit));
    return codes.some((c) => c !== 0) ? 1 : 0;
  };
  const exited = Promise.all(children.map((c) => c.exit)).then((codes) =>
    codes.some((c) => c !== 0) ? 1 : 0,
  );
  // One instance ending on its own ends the demo: the other is stopped too.
  for (const c of children) void c.exit.then(() => stop());

  try {
    const ready = await Promise.all(
      children.map((c) =>
        withTimeout(
          Promise.race([
            c.ready,
            c.exit.then((code) => {
              throw new Error(
                `the ${c.agency.code} instance exited (code ${code}) before it was ready; see its messages above`,
              );
            }),
          ]),
          options.startTimeoutMs ?? 180_000,
          `the ${c.agency.code} instance did not start`,
        ),
      ),
    );
    const [be, nl] = ready.map((r, i) => ({
      agency: children[i]!.agency,
      url: r.url,
      dataDir: children[i]!.dataDir,
      password,
    })) as [RunningInstance, RunningInstance];
    const nlPlan = ready[1]!.plan;
    const beApi = await ApiClient.login(be.url, 'admin', password);
    const nlApi = await ApiClient.login(nl.url, 'admin', password);
    await introduce(beApi, nlApi);
    await introduce(nlApi, beApi);
    status(
      `${be.agency.code} and ${nl.agency.code} are partners (alerts, feedback, MO reports, statistics; TLP up to AMBER)`,
    );

    const alert = await seedAlert(options, be, nlPlan);
    const nlAnalyst = await ApiClient.login(nl.url, 'analyst', password);
    return { be, nl, alert, hit: watchForHit(nlAnalyst, alert, exited), exited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function spawnInstance(
  agency: DemoAgency,
  options: TwoInstanceOptions,
  onProgress: (line: string) => void,
): Child {
  const dataDir = path.join(options.baseDir, agency.folder);
  fs.mkdirSync(dataDir, { recursive: true });
  const child = fork(
    TANDEM_BIN,
    [
      'demo',
      '--single',
      '--ports',
      agency.locode,
      '--history-days',
      String(options.historyDays),
      '--scale',
      String(options.scale),
      '--live-interval',
      String(options.liveIntervalSeconds),
      '--seed',
      String(options.seed),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        TANDEM_DATA_DIR: dataDir,
        TANDEM_HOST: options.host,
        TANDEM_PORT: String(options.ports[agency.key]),
        TANDEM_AGENCY_CODE: agency.code,
        TANDEM_AGENCY_NAME: agency.name,
        TANDEM_PORTS: agency.locode,
        TANDEM_LOG_LEVEL: options.logLevel,
      },
      execArgv: [],
      // The child's errors reach the terminal (its logs go to tandem.log in its data folder); what
      // the parent needs comes over IPC.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const exit = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)),
    );
  });
  const ready = new Promise<Extract<DemoChildMessage, { type: 'ready' }>>((resolve) => {
    child.on('message', (raw) => {
      const m = childMessage.safeParse(raw);
      if (!m.success) return;
      if (m.data.type === 'ready') resolve(m.data);
      else if (m.data.type === 'progress') onProgress(m.data.line);
      else onProgress(`history loaded (${m.data.files} files); live traffic continues`);
    });
  });
  return { agency, dataDir, process: child, exit, ready };
}

/** One password for the demo accounts of both instances, kept in each data folder (owner-readable only). */
function sharedPassword(baseDir: string): string {
  const files = DEMO_AGENCIES.map((a) => path.join(baseDir, a.folder, 'demo-credentials.txt'));
  const existing = files.find((f) => fs.existsSync(f));
  const password = existing ? fs.readFileSync(existing, 'utf8').trim() : randomBytes(9).toString('base64url');
  for (const f of files) {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    if (!fs.existsSync(f)) fs.writeFileSync(f, `${password}\n`, { mode: 0o600 });
  }
  return password;
}

/** `self` adds `other` as a partner with the demo policy (replacing URL and key on a restart). */
async function introduce(self: ApiClient, other: ApiClient): Promise<void> {
  const them = z
    .object({ code: z.string(), name: z.string(), publicKeyPem: z.string() })
    .parse(await other.request('GET', '/v1/federation/identity'));
  await self.request('POST', '/v1/partners', {
    code: them.code,
    name: them.name,
    url: other.baseUrl,
    publicKeyPem: them.publicKeyPem,
  });
  await self.request('PUT', `/v1/partners/${them.code}/policy`, DEMO_SHARING_POLICY);
}

/**
 * Creates the demo alert at BE on the first run (remembered in the base folder); later runs reuse
 * it. The container is chosen among NL's port-days after today, whose arrivals lie ahead, so the
 * hit comes when NL's feed reaches that day and counts for the container's assessment.
 */
async function seedAlert(
  options: TwoInstanceOptions,
  be: RunningInstance,
  nlPlan: { from: string; seed: number; scale: number; portDaysDone: number },
): Promise<SeededAlert | undefined> {
  const file = path.join(options.baseDir, ALERT_FILE);
  if (fs.existsSync(file)) {
    const saved = savedAlert.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (saved.success) return saved.data;
  }
  const firstDay = Math.max(options.historyDays + 1, nlPlan.portDaysDone + 1);
  const target = pickAlertTarget(nlPlan, 'NLRTM', firstDay);
  if (!target) return undefined;
  const analyst = await ApiClient.login(be.url, 'analyst', be.password);
  const created = z
    .object({ alert: z.object({ id: z.number(), uid: z.string() }) })
    .parse(await analyst.request('POST', '/v1/alerts', demoAlertBody(target)));
  const seeded = { alertId: created.alert.id, uid: created.alert.uid, target };
  fs.writeFileSync(file, JSON.stringify(seeded, null, 2));
  return seeded;
}

const hitsSchema = z.array(
  z.object({
    alertUid: z.string(),
    entityType: z.string(),
    identifierKind: z.string(),
    identifierValue: z.string(),
    createdAt: z.string(),
  }),
);

/** Polls NL's hits until the seeded alert has one; never resolves when there is no alert. */
function watchForHit(
  nl: ApiClient,
  alert: SeededAlert | undefined,
  exited: Promise<number>,
): Promise<PartnerHit> {
  return new Promise((resolve) => {
    if (!alert) return;
    let done = false;
    void exited.then(() => {
      done = true;
    });
    const poll = async (): Promise<void> => {
      if (done) return;
      try {
        const hits = hitsSchema.parse(await nl.request('GET', '/v1/intel/hits?limit=500'));
        const hit = hits.find((h) => h.alertUid === alert.uid);
        if (hit) {
          done = true;
          resolve(hit);
          return;
        }
      } catch {
        // The instance may be busy or stopping; the next poll tries again.
      }
      setTimeout(() => void poll(), 1000).unref();
    };
    void poll();
  });
}

/** A signed-in client of one instance's API. */
class ApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const body = await call(baseUrl, 'POST', '/v1/auth/login', undefined, { username, password });
    return new ApiClient(baseUrl, z.object({ token: z.string() }).parse(body).token);
  }

  request(method: string, route: string, body?: unknown): Promise<unknown> {
    return call(this.baseUrl, method, route, this.token, body);
  }
}

async function call(
  baseUrl: string,
  method: string,
  route: string,
  token: string | undefined,
  body?: unknown,
) {
  const response = await fetch(new URL(route, baseUrl), {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${method} ${baseUrl}${route.slice(1)} answered ${response.status}: ${text.slice(0, 300)}`,
    );
  return text === '' ? undefined : JSON.parse(text);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
