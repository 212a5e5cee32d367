import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.parser.ts';
import { detectFormat } from './detect-format.ts';
import { parseEdifact } from './edifact.parser.ts';
import { parseJson } from './json.parser.ts';
import type { FormatParser, IngestItem, InputFormat } from './records.ts';

const bytes = (text: string, prefix: number[] = []): Uint8Array =>
  new Uint8Array([...prefix, ...new TextEncoder().encode(text)]);
const BOM = [0xef, 0xbb, 0xbf];

describe('detectFormat', () => {
  it.each([
    ["UNA:+.? 'UNB+UNOA:2+X+Y+240101:1200+1'", [], 'edifact'],
    ["UNB+UNOC:3+X+Y+240101:1200+1'", BOM, 'edifact'],
    ["\r\n  UNH+1+CODECO:D:95B:UN'", [], 'edifact'],
    ['{"type":"port_call","portLocode":"BEANR"}\n', [], 'json'],
    ['\n\t[ {"type":"port_call"} ]', BOM, 'json'],
    ['container_number,event_type,occurred_at\nMSCU1234565,loaded,\n', [], 'csv'],
    ['"Transport Document Number";"Port Locode"\r\nBL1;BEANR\r\n', BOM, 'csv'],
  ])('%j -> %s', (text, prefix, format) => {
    expect(detectFormat(bytes(text, prefix))).toEqual({ ok: true, format });
  });

  it.each([
    ['', /the file is empty/],
    ['   \n', /the file is empty/],
    ['name,age\nx,1\n', /unrecognised format: expected EDIFACT .*starts with "name,age"/],
    ['<?xml version="1.0"?><x/>', /JSON \(starting with "\{" or "\["/],
  ])('refuses %j, saying what was expected', (text, reason) => {
    const result = detectFormat(bytes(text));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('refuses UTF-16', () => {
    expect(detectFormat(new Uint8Array([0xff, 0xfe, 0x55, 0x00]))).toEqual({
      ok: false,
      reason: 'the file is UTF-16 encoded; save it as UTF-8',
    });
  });

  it('tolerates a head cut inside a multi-byte character', () => {
    const head = bytes('container_number,event_type,haulier\nMSCU1234565,loaded,Société').subarray(0, 58);
    expect(detectFormat(head)).toEqual({ ok: true, format: 'csv' });
  });
});

describe('the documented examples (docs/examples)', () => {
  const parsers: Record<InputFormat, FormatParser> = {
    csv: parseCsv,
    json: parseJson,
    edifact: parseEdifact,
  };
  it.each([
    ['container-events.csv', 'csv', { container_event: 5 }],
    ['consignments.csv', 'csv', { consignment: 2 }],
    ['records.json', 'json', { port_call: 1, consignment: 1, container_event: 1 }],
    ['container-events.jsonl', 'json', { container_event: 2 }],
  ])('%s is detected as %s and reads without a problem', async (name, format, counts) => {
    const path = new URL(`../../docs/examples/${name}`, import.meta.url);
    const detected = detectFormat(readFileSync(path).subarray(0, 4096));
    expect(detected).toEqual({ ok: true, format });
    if (!detected.ok) return;
    const items: IngestItem[] = [];
    for await (const item of parsers[detected.format](createReadStream(path), { fileName: name }))
      items.push(item);
    const tally: Record<string, number> = {};
    for (const item of items) tally[item.kind] = (tally[item.kind] ?? 0) + 1;
    expect(tally).toEqual(counts);
  });
});
