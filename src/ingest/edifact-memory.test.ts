/**
 * Bounded memory (issue 2: "a 1 GB file must not need 1 GB of memory"). A child process with a
 * heap limit far below the input size streams hundreds of megabytes of generated EDIFACT, made on
 * the fly and never held whole, through the syntax layer and through the full EDIFACT parser
 * (messages mapped to records). Running out of heap would kill the child; the test also checks
 * that every message and record came through and that peak resident memory stayed small.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
/** `--max-old-space-size` bounds the old generation; the used heap also counts the young one. */
const YOUNG = 32 * MB;

/** Runs the streaming script in a child with `--max-old-space-size=heapMb`; returns its JSON report. */
function runChild(mode: 'messages' | 'records', megabytes: number, heapMb: number) {
  const script = `
    import { readMessages } from ${JSON.stringify(path.join(here, '../lib/edifact/index.ts'))};
    import { parseEdifact } from ${JSON.stringify(path.join(here, 'edifact.parser.ts'))};
    const target = ${megabytes * MB};
    const containers = 400;
    function message(n) {
      const parts = ["UNH+" + n + "+BAPLIE:D:95B:UN:SMDG20'BGM++" + n + "+9'DTM+137:2201011200:201'",
        "TDT+20+V" + n + "+++MAEU:172:20+++9321483:146:11:EMMA MAERSK'LOC+5+BEANR:139:6'DTM+178:2201011200:201'"];
      for (let c = 0; c < containers; c++) {
        const serial = String(100000 + c).padStart(6, '0');
        parts.push("LOC+147+0" + String(c).padStart(6, '0') + "::5'MEA+WT++KGM:" + (20000 + c) +
          "'LOC+9+CNSHA'LOC+11+BEANR'RFF+BM:B" + n + "'EQD+CN+MSCU" + serial + "+45G1+++5'NAD+CA+MSC:172:20'");
      }
      parts.push("UNT+" + (containers * 7 + 7) + "+" + n + "'");
      return Buffer.from(parts.join('\\n'));
    }
    async function* generated() {
      let bytes = 0;
      let n = 0;
      yield Buffer.from("UNA:+.? 'UNB+UNOA:2+SENDER+RECIPIENT+220101:1200+1'");
      while (bytes < target) { const m = message(++n); bytes += m.length; yield m; }
      yield Buffer.from("UNZ+" + n + "+1'");
    }
    let messages = 0, segments = 0, records = 0, problems = 0, bytes = 0, peakHeap = 0;
    const sample = () => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); };
    async function* counted() { for await (const c of generated()) { bytes += c.length; yield c; } }
    if (${JSON.stringify(mode)} === 'messages') {
      for await (const item of readMessages(counted())) {
        if (item.kind === 'message') { messages++; segments += item.segments.length; if (messages % 50 === 0) sample(); }
        else problems++;
      }
    } else {
      for await (const item of parseEdifact(counted(), { fileName: 'generated.edi' })) {
        if (item.kind === 'container_event') { records++; if (records % 20000 === 0) sample(); }
        else if (item.kind === 'port_call') messages++;
        else problems++;
      }
    }
    sample();
    console.log(JSON.stringify({ bytes, messages, segments, records, problems, peakHeap,
      maxRss: process.resourceUsage().maxRSS * 1024 }));
  `;
  const child = spawnSync(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 170_000 },
  );
  if (child.status !== 0) throw new Error(`child failed (${child.status} ${child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
    bytes: number;
    messages: number;
    segments: number;
    records: number;
    problems: number;
    peakHeap: number;
    maxRss: number;
  };
}

describe('EDIFACT streaming memory', () => {
  it('reads 200 MB of messages with a 64 MB heap', { timeout: 180_000 }, () => {
    const r = runChild('messages', 200, 64);
    expect(r.bytes).toBeGreaterThan(200 * MB);
    expect(r.problems).toBe(0);
    expect(r.segments).toBe(r.messages * (400 * 7 + 5));
    expect(r.peakHeap).toBeLessThan(64 * MB + YOUNG);
    expect(r.maxRss).toBeLessThan(256 * MB);
  });

  it('maps 24 MB of bay plans to records with a 32 MB heap', { timeout: 180_000 }, () => {
    const r = runChild('records', 24, 32);
    expect(r.bytes).toBeGreaterThan(24 * MB);
    expect(r.problems).toBe(0);
    expect(r.records).toBe(r.messages * 400);
    expect(r.peakHeap).toBeLessThan(32 * MB + YOUNG);
    expect(r.maxRss).toBeLessThan(256 * MB);
  });
});
