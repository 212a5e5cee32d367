import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemLines, parseAll } from '../../test/support/parsers.ts';
import { parseJson } from './json.parser.ts';
import { JsonRecordSplitter } from './json-scanner.ts';

const parse = (input: string | Uint8Array, chunkSize?: number) =>
  parseAll(parseJson, input, 'test.json', chunkSize);
const summary = itemLines;

const event = {
  type: 'container_event',
  containerNumber: 'MSCU1234565',
  eventType: 'gate_in',
  occurredAt: '2024-01-02T10:00:00Z',
  seals: ['S1'],
};
const eventLine = JSON.stringify(event);
const portCallLine = JSON.stringify({
  type: 'port_call',
  portLocode: 'BEANR',
  vesselImo: '9321483',
  voyage: '001E',
});

describe('parseJson', () => {
  it.each([
    ['JSON Lines', `${eventLine}\n${portCallLine}\n`, ['container_event line 1', 'port_call line 2']],
    [
      'JSON Lines with blank lines and CRLF',
      `${eventLine}\r\n\r\n${portCallLine}`,
      ['container_event line 1', 'port_call line 3'],
    ],
    [
      'top-level array',
      `[\n${eventLine},\n${portCallLine}\n]`,
      ['container_event record 1', 'port_call record 2'],
    ],
    [
      'wrapper object',
      `{\n "source": "x",\n "records": [\n  ${eventLine},\n  ${portCallLine}\n ],\n "count": 2\n}`,
      ['container_event record 1', 'port_call record 2'],
    ],
    [
      'wrapper object on one line',
      `{"records":[${eventLine},${portCallLine}]}`,
      ['container_event line 1, record 1', 'port_call line 1, record 2'],
    ],
    [
      'one pretty-printed record',
      `{\n "type": "port_call",\n "portLocode": "NLRTM"\n}`,
      ['port_call line 1'],
    ],
  ])('reads %s', async (_name, input, expected) => {
    expect(summary(await parse(input))).toEqual(expected);
  });

  it('gives the same items whatever the chunk size', async () => {
    const input = `{"records": [${eventLine}, {"type": "port_call", "portLocode": "BE\\"ANR \\u00e9 [}"}, ${portCallLine}]}`;
    const whole = await parse(input);
    expect(whole.map((i) => i.kind)).toEqual(['container_event', 'port_call', 'port_call']);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), async (size) => {
        expect(await parse(input, size)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the record values', async () => {
    const [item] = await parse(eventLine);
    expect(item).toEqual({
      kind: 'container_event',
      ref: { position: 'line 1', line: 1, recordRef: 'MSCU1234565' },
      record: {
        containerNumber: 'MSCU1234565',
        eventType: 'gate_in',
        occurredAt: '2024-01-02T10:00:00Z',
        seals: ['S1'],
        details: {},
      },
    });
  });

  it('rejects a record failing its schema, naming the field path, the value and the reason', async () => {
    const bad = JSON.stringify({ ...event, eventType: 'teleported', verifiedGrossMassKg: -5 });
    const [item] = await parse(`${eventLine}\n${bad}\n`).then((items) => items.slice(1));
    expect(item?.kind).toBe('rejection');
    if (item?.kind !== 'rejection') return;
    expect(item.rejection).toMatchObject({
      position: 'line 2',
      line: 2,
      code: 'schema_violation',
      field: 'eventType',
      value: 'teleported',
    });
    expect(item.rejection.reason).toMatch(/eventType: .*"teleported"/);
    expect(item.rejection.reason).toMatch(/verifiedGrossMassKg: .*-5/);
  });

  it('names a missing required field and a nested path', async () => {
    const items = await parse(
      [
        JSON.stringify({ type: 'container_event', eventType: 'loaded' }),
        JSON.stringify({
          type: 'consignment',
          transportDocumentNumber: 'BL1',
          goods: [{ lineNumber: 1 }, { lineNumber: 0 }],
        }),
      ].join('\n'),
    );
    expect(
      items.map((i) => (i.kind === 'rejection' ? [i.rejection.code, i.rejection.field] : i.kind)),
    ).toEqual([
      ['missing_field', 'containerNumber'],
      ['schema_violation', 'goods.1.lineNumber'],
    ]);
  });

  it.each([
    ['an unknown type', '{"type":"invoice","x":1}', 'rejection line 1 unknown_record_type type'],
    ['no type', '{"containerNumber":"X"}', 'rejection line 1 missing_field type'],
    ['a non-object element', '[1]', 'rejection record 1 not_an_object'],
    ['text that is not JSON', 'hello', 'rejection line 1 not_json'],
    ['an empty input', ' \n ', 'rejection line 2 empty_input'],
    ['a stray closing bracket', '[{"type":"port_call"}}]', 'rejection line 1 invalid_json'],
  ])('rejects %s', async (_name, input, expected) => {
    expect(summary(await parse(input)).at(-1)).toBe(expected);
  });

  it('rejects a broken JSON line and goes on with the next', async () => {
    expect(summary(await parse(`${eventLine}\n{"type":"port_call",\n${portCallLine}\n`))).toEqual([
      'container_event line 1',
      'rejection line 2 invalid_json',
      'port_call line 3',
    ]);
  });

  it('keeps the records before a truncated array and says where the input stopped', async () => {
    const items = await parse(`[${eventLine},\n${portCallLine},\n{"type":"container_event","contain`);
    expect(summary(items)).toEqual([
      'container_event record 1',
      'port_call record 2',
      'rejection record 3 truncated_json',
    ]);
    const last = items.at(-1);
    expect(last?.kind === 'rejection' && last.rejection.reason).toContain('starts on line 3');
  });

  it('rejects text after the closing bracket of the array', async () => {
    expect(summary(await parse(`[${eventLine}] trailing`))).toEqual([
      'container_event record 1',
      'rejection line 1 trailing_content',
    ]);
  });

  it('warns about unknown fields and still reads the record', async () => {
    const items = await parse(JSON.stringify({ ...event, containerNo: 'X' }));
    expect(summary(items)).toEqual(['warning line 1 unknown_field', 'container_event line 1']);
  });

  it('replaces invalid UTF-8 and warns with the line', async () => {
    const head = new TextEncoder().encode(`${portCallLine}\n{"type":"port_call","portLocode":"NL`);
    const tail = new TextEncoder().encode('RTM","vesselName":"X"}\n');
    const items = await parse(new Uint8Array([...head, 0xc3, 0x28, ...tail]), 5);
    expect(summary(items)).toEqual(['port_call line 1', 'warning line 2 invalid_utf8', 'port_call line 2']);
  });

  it('reads a 10 MB single-line record', async () => {
    const description = 'x'.repeat(10 * 1024 * 1024);
    const line = JSON.stringify({
      type: 'consignment',
      transportDocumentNumber: 'BIG1',
      goods: [{ lineNumber: 1, description }],
    });
    const items = await parse(`${line}\n${portCallLine}\n`);
    expect(summary(items)).toEqual(['consignment line 1', 'port_call line 2']);
    const first = items[0];
    expect(first?.kind === 'consignment' && first.record.goods[0]?.description?.length).toBe(
      description.length,
    );
  });

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        async (bytes, size) => {
          const items = await parse(bytes, size);
          expect(Array.isArray(items)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on JSON-like noise', async () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      '\\',
      ',',
      ':',
      '\n',
      ' ',
      'records',
      '"records"',
      '1',
      'null',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 60 }), async (tokens) => {
        await parse(tokens.join(''), 3);
      }),
      { numRuns: 300 },
    );
  });
});

describe('JsonRecordSplitter', () => {
  it('rejects a record over the cap without holding it, then reads the next one', () => {
    const splitter = new JsonRecordSplitter(100);
    const big = JSON.stringify({ type: 'port_call', portLocode: 'x'.repeat(500) });
    const events = [
      ...splitter.push(`[${big.slice(0, 300)}`),
      ...splitter.push(`${big.slice(300)}, {"a":1}]`),
      ...splitter.end(),
    ];
    expect(events).toEqual([
      {
        kind: 'problem',
        code: 'record_too_large',
        message: expect.stringContaining('record 1'),
        index: 1,
        line: 1,
      },
      { kind: 'record', text: '{"a":1}', index: 2, line: 1, jsonLines: false },
    ]);
  });

  it('rejects an over-long JSON line and reads the following lines', () => {
    const splitter = new JsonRecordSplitter(50);
    const events = [...splitter.push(`{"a":1}\n{"b":"${'y'.repeat(200)}"}\n{"c":3}\n`), ...splitter.end()];
    expect(events.map((e) => (e.kind === 'record' ? e.text : e.code))).toEqual([
      '{"a":1}',
      'record_too_large',
      '{"c":3}',
    ]);
  });
});
