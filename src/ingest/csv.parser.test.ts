import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemLines, parseAll } from '../../test/support/parsers.ts';
import { boundRecords, parseCsv, sniffSeparator } from './csv.parser.ts';

const parse = (input: string | Uint8Array, chunkSize?: number) =>
  parseAll(parseCsv, input, 'test.csv', chunkSize);
const summary = itemLines;

const eventHeader =
  'container_number,event_type,occurred_at,place_locode,place_detail,seals,full_empty,haulier,vessel_imo,vessel_name,voyage,verified_gross_mass_kg,status_code';

const consignmentHeader =
  'transport_document_number,port_locode,vessel_imo,voyage,eta,shipper_name,shipper_country,consignee_name,line_number,hs_code,description,packages,gross_mass_kg,container_number,seals,size_type';

describe('parseCsv: container events', () => {
  it('reads every column into the event record', async () => {
    const csv = `${eventHeader}\nMSCU1234565,Gate-In,2024-03-01T08:15:00+01:00,BEANR,K1742,SEAL1|SEAL2,F,Trans NV,9321483,MSC ANNA,123W,24500.5,\n`;
    const [item] = await parse(csv);
    expect(item).toEqual({
      kind: 'container_event',
      ref: { position: 'line 2', line: 2, recordRef: 'MSCU1234565' },
      record: {
        containerNumber: 'MSCU1234565',
        eventType: 'gate_in',
        occurredAt: '2024-03-01T08:15:00+01:00',
        placeLocode: 'BEANR',
        placeDetail: 'K1742',
        seals: ['SEAL1', 'SEAL2'],
        fullEmpty: 'full',
        haulier: 'Trans NV',
        vesselImo: '9321483',
        vesselName: 'MSC ANNA',
        voyage: '123W',
        verifiedGrossMassKg: 24500.5,
        details: {},
      },
    });
  });

  it('reads semicolon-separated files with decimal commas and CRLF', async () => {
    const items = await parse(
      'container_number;event_type;verified_gross_mass_kg\r\nMSCU1234565;discharged;12345,5\r\n',
    );
    expect(items[0]?.kind === 'container_event' && items[0].record.verifiedGrossMassKg).toBe(12345.5);
  });

  it('rejects rows with the wrong number of fields, with their line, and reads the rest', async () => {
    const csv = `container_number,event_type,occurred_at\nMSCU1234565,loaded\nMSCU1234565,loaded,2024-01-01T00:00:00Z,extra\nMSCU1234565,discharged,\n`;
    const items = await parse(csv);
    expect(summary(items)).toEqual([
      'rejection line 2 wrong_column_count',
      'rejection line 3 wrong_column_count',
      'container_event line 4',
    ]);
    const first = items[0];
    expect(first?.kind === 'rejection' && first.rejection.reason).toBe(
      'the row has 2 fields, the header of this container events file has 3',
    );
  });

  it('rejects a row failing the schema, naming the column and value', async () => {
    const items = await parse(
      'container_number,event_type,occurred_at,verified_gross_mass_kg\nMSCU1234565,gate_in,2024-01-02 10:00,12t\n',
    );
    const item = items[0];
    expect(item?.kind).toBe('rejection');
    if (item?.kind !== 'rejection') return;
    expect(item.rejection).toMatchObject({
      position: 'line 2',
      field: 'occurred_at',
      value: '2024-01-02 10:00',
    });
    expect(item.rejection.reason).toContain('verified_gross_mass_kg');
    expect(item.rejection.reason).toContain('"12t"');
  });

  it('keeps unknown columns in the details and warns once', async () => {
    const items = await parse(
      'container_number,event_type,terminal_code\nMSCU1234565,gate_out,DGW\nMSCU1234565,gate_in,\n',
    );
    expect(summary(items)).toEqual([
      'warning line 1 unknown_column',
      'container_event line 2',
      'container_event line 3',
    ]);
    expect(items[1]?.kind === 'container_event' && items[1].record.details).toEqual({ terminal_code: 'DGW' });
  });

  it('keeps the rows before an unclosed quote and rejects from there', async () => {
    const items = await parse(
      'container_number,event_type\nMSCU1234565,loaded\n"MSCU1234565,loaded\nX,loaded\n',
    );
    expect(summary(items)).toEqual(['container_event line 2', 'rejection line 4 csv_syntax']);
  });
});

describe('parseCsv: header problems', () => {
  it.each([
    ['container_number,occurred_at\nX,2024\n', 'event_type', /needs the column\(s\) event_type/],
    [
      'a,b,c\n1,2,3\n',
      'transport_document_number, container_number, event_type',
      /matches no known CSV layout/,
    ],
  ])('gives one rejection naming the missing columns (%#)', async (csv, field, reason) => {
    const items = await parse(csv);
    expect(items).toHaveLength(1);
    const item = items[0];
    expect(item?.kind === 'rejection' && item.rejection).toMatchObject({
      code: 'missing_columns',
      field,
      line: 1,
    });
    expect(item?.kind === 'rejection' && item.rejection.reason).toMatch(reason);
  });

  it('rejects an empty file', async () => {
    expect(summary(await parse(''))).toEqual(['rejection line 1 missing_header']);
  });

  it('accepts header cells in any case, with spaces or quotes', async () => {
    expect(summary(await parse('"Container Number",EVENT-TYPE\nMSCU1234565,loaded\n'))).toEqual([
      'container_event line 2',
    ]);
  });
});

describe('parseCsv: consignment lines', () => {
  const rows = [
    consignmentHeader,
    'BL1,BEANR,9321483,001E,2024-02-01T06:00:00Z,Acme Coffee,CO,Import BV,1,090111,Green coffee,100,5000,MSCU1234565,S1,45G1',
    'BL1,BEANR,9321483,001E,2024-02-01T06:00:00Z,Acme Coffee,CO,Import BV,2,080300,Bananas,50,2000,MSCU1234565,S2,45G1',
    'BL1,BEANR,9321483,001E,2024-02-01T06:00:00Z,Acme Coffee,CO,Import BV,3,080300,Bananas,10,400,TGHU1234567,,22G1',
    'BL2,BEANR,9321483,001E,2024-02-01T06:00:00Z,Fruit SA,EC,To order,1,080390,Plantains,20,800,,,',
  ];

  it('merges consecutive rows of one transport document into one consignment', async () => {
    const items = await parse(`${rows.join('\n')}\n`);
    expect(summary(items)).toEqual(['consignment line 2', 'consignment line 5']);
    const first = items[0];
    if (first?.kind !== 'consignment') throw new Error('expected a consignment');
    expect(first.record).toMatchObject({
      transportDocumentNumber: 'BL1',
      portLocode: 'BEANR',
      portCall: { portLocode: 'BEANR', vesselImo: '9321483', voyage: '001E', eta: '2024-02-01T06:00:00Z' },
      shipper: { name: 'Acme Coffee', country: 'CO' },
      consignee: { name: 'Import BV' },
    });
    expect(
      first.record.goods.map((g) => [g.lineNumber, g.hsCode, g.packages, g.grossMassKg, g.containerNumbers]),
    ).toEqual([
      [1, '090111', 100, 5000, ['MSCU1234565']],
      [2, '080300', 50, 2000, ['MSCU1234565']],
      [3, '080300', 10, 400, ['TGHU1234567']],
    ]);
    expect(first.record.containers).toEqual([
      { containerNumber: 'MSCU1234565', sizeType: '45G1', seals: ['S1', 'S2'] },
      { containerNumber: 'TGHU1234567', sizeType: '22G1', seals: [] },
    ]);
    const second = items[1];
    expect(second?.kind === 'consignment' && second.record.containers).toEqual([]);
  });

  it('rejects the consignment at the row with the bad value, naming the column', async () => {
    const bad = rows[2]?.replace(',50,', ',fifty,');
    const items = await parse(`${[rows[0], rows[1], bad, rows[4]].join('\n')}\n`);
    expect(summary(items)).toEqual(['rejection line 3 schema_violation packages', 'consignment line 4']);
  });

  it('warns when a consignment-level value changes between its rows', async () => {
    const changed = rows[2]?.replace('Acme Coffee', 'Acme Cofee');
    const items = await parse(`${[rows[0], rows[1], changed].join('\n')}\n`);
    expect(summary(items)).toEqual(['warning line 3 conflicting_value', 'consignment line 2']);
  });

  it('rejects a row without transport document number', async () => {
    const items = await parse(`${consignmentHeader}\n,BEANR,,,,,,,1,,,,,,,\n`);
    expect(summary(items)).toEqual(['rejection line 2 missing_field transport_document_number']);
  });

  it('needs the port when the vessel call is given', async () => {
    const items = await parse(`transport_document_number,vessel_imo\nBL9,9321483\n`);
    expect(summary(items)).toEqual(['rejection line 2 missing_field port_locode']);
  });

  it('reads a 10 MB single row', async () => {
    const description = 'd'.repeat(10 * 1024 * 1024);
    const items = await parse(
      `transport_document_number,line_number,description\nBIG,1,${description}\nBIG,2,short\n`,
    );
    expect(summary(items)).toEqual(['consignment line 2']);
    expect(items[0]?.kind === 'consignment' && items[0].record.goods[0]?.description?.length).toBe(
      description.length,
    );
  });
});

describe('parseCsv: bytes', () => {
  it('replaces invalid UTF-8 and warns with the line', async () => {
    const head = new TextEncoder().encode('container_number,event_type,haulier\nMSCU1234565,gate_in,Tr');
    const tail = new TextEncoder().encode('ans\n');
    const items = await parse(new Uint8Array([...head, 0xff, ...tail]), 7);
    expect(summary(items)).toEqual(['warning line 2 invalid_utf8', 'container_event line 2']);
    expect(items[1]?.kind === 'container_event' && items[1].record.haulier).toBe('Tr\uFFFDans');
  });

  it('skips a byte order mark', async () => {
    const bom = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('container_number,event_type\nMSCU1234565,loaded\n'),
    ]);
    expect(summary(await parse(bom))).toEqual(['container_event line 2']);
  });

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        async (bytes, size) => {
          const withHeader = new Uint8Array([
            ...new TextEncoder().encode('container_number,event_type\n'),
            ...bytes,
          ]);
          await parse(withHeader, size);
          await parse(bytes, size);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('sniffSeparator', () => {
  it.each([
    ['a,b;c,d', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['"x;y;z",b,c', ','],
  ])('%j -> %j', (line, expected) => {
    expect(sniffSeparator(line)).toBe(expected);
  });
});

describe('boundRecords', () => {
  async function run(chunks: string[], max: number): Promise<{ text: string; tooLarge: number[] }> {
    const tooLarge: number[] = [];
    async function* source(): AsyncGenerator<string> {
      yield* chunks;
    }
    let text = '';
    for await (const part of boundRecords(source(), max, (line) => tooLarge.push(line))) text += part;
    return { text, tooLarge };
  }

  it('passes records through unchanged, whatever the chunking and quoted line ends', async () => {
    const input = 'a,b\n"x\ny",2\n"q""q",3\nlast';
    for (let size = 1; size <= input.length; size += 1) {
      const chunks = input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(await run(chunks, 100)).toEqual({ text: input, tooLarge: [] });
    }
  });

  it('drops an over-long record, keeping its line count, and reports its first line', async () => {
    const { text, tooLarge } = await run(['h1\nok\n"', 'long\nlong', 'long"\nnext\n'], 8);
    expect(text).toBe('h1\nok\n\n\nnext\n');
    expect(tooLarge).toEqual([3]);
  });

  it('rejects an over-long CSV row at parser level and reads the rows after it', async () => {
    const row = 'h'.repeat(17 * 1024 * 1024);
    const items = await parse(
      `container_number,event_type,haulier\nMSCU1234566,loaded,${row}\nMSCU1234566,gate_in,x\n`,
      1 << 20,
    );
    expect(summary(items)).toEqual(['rejection line 2 row_too_large', 'container_event line 3']);
  });
});
