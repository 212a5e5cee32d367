import { describe, expect, it } from 'vitest';
import {
  type EdifactMessage,
  readMessagesFromString,
  type Segment,
  tokenizeString,
} from '../../lib/edifact/index.ts';
import {
  isToOrderName,
  massKg,
  parseDecimal,
  parseEdifactDate,
  readEqd,
  readMea,
  readNad,
  readTdt,
} from './common.ts';
import { mapCuscar } from './cuscar.ts';

const seg = (raw: string): Segment => {
  const [first] = [...tokenizeString(raw)];
  if (!first || 'kind' in first) throw new Error(`not a segment: ${raw}`);
  return first;
};

describe('parseEdifactDate', () => {
  it.each([
    ['20191029', '102', '2019-10-29T00:00:00Z'],
    ['201910290330', '203', '2019-10-29T03:30:00Z'],
    ['20191029033015', '204', '2019-10-29T03:30:15Z'],
    ['1001121456', '201', '2010-01-12T14:56:00Z'],
    ['090805', '101', '2009-08-05T00:00:00Z'],
    ['201910290330+01', '303', '2019-10-29T02:30:00Z'],
    ['201910290330', '', '2019-10-29T03:30:00Z'],
    ['20190230', '102', undefined],
    ['2019103', '102', undefined],
    ['', '203', undefined],
    ['20191029', '999', undefined],
  ])('%s (format %s) -> %s', (value, format, iso) => {
    expect(parseEdifactDate(value, format)).toBe(iso);
  });
});

describe('segment readers', () => {
  it('reads numbers with either decimal mark', () => {
    expect([
      parseDecimal('13.8'),
      parseDecimal('06,5'),
      parseDecimal('-1'),
      parseDecimal('1e3'),
      parseDecimal(''),
    ]).toEqual([13.8, 6.5, -1, undefined, undefined]);
  });

  it('converts masses to kg and refuses unknown units', () => {
    expect(massKg(readMea(seg("MEA+AAE+G+TNE:12.5'")))).toBe(12500);
    expect(massKg(readMea(seg("MEA+AAE+G+LBR:1000'")))).toBe(453.592);
    expect(massKg(readMea(seg("MEA+AAE+G+XXX:1'")))).toBeUndefined();
  });

  it('reads structured and unstructured NAD', () => {
    expect(
      readNad(seg("NAD+CN+65424:109+1234 MAIN STREET+KATHY SMITH++BELTSVILLE+MD:163+20708+US'")).party,
    ).toEqual({
      name: 'KATHY SMITH',
      street: '1234 MAIN STREET',
      city: 'BELTSVILLE',
      postcode: '20708',
      country: 'US',
      identifiers: { '109': '65424' },
    });
    expect(readNad(seg("NAD+CA+MSK:172:20'")).party).toEqual({ name: 'MSK', identifiers: { '172': 'MSK' } });
    expect(readNad(seg("NAD+CZ'")).party).toBeUndefined();
  });

  it('reads vessel ids from TDT in the D.95B and SMDG 1.5 layouts', () => {
    expect(readTdt(seg("TDT+20+042+++:172:182+++VRIB3:103:ZZZ:OOCL BEIJING'"))).toMatchObject({
      voyage: '042',
      callSign: 'VRIB3',
      vesselName: 'OOCL BEIJING',
      vesselImo: undefined,
    });
    expect(readTdt(seg("TDT+20+1002++A8LW7:103::MAERSK SOFIA:8UF++416:172:20'"))).toMatchObject({
      callSign: 'A8LW7',
      vesselName: 'MAERSK SOFIA',
      carrierCode: '416',
    });
    expect(readTdt(seg("TDT+20+V1+1++MSK:172+++9321483:146::EMMA MAERSK'"))).toMatchObject({
      vesselImo: '9321483',
      carrierCode: 'MSK',
    });
  });

  it('normalises container numbers written with a space', () => {
    expect(readEqd(seg("EQD+CN+MWCU 5602541+22R8+++4'"))).toMatchObject({
      id: 'MWCU5602541',
      sizeType: '22R8',
      fullEmpty: 'empty',
    });
  });

  it.each([
    ['TO ORDER', true],
    ['to the order of BANCO X', true],
    ['TO ORDER OF SHIPPER', true],
    ['ORDER', true],
    ['ORDERS LTD', false],
    ['KATHY SMITH', false],
  ])('isToOrderName(%s) = %s', (name, expected) => {
    expect(isToOrderName(name)).toBe(expected);
  });
});

describe('mapCuscar edge cases', () => {
  const cuscar = (body: string): EdifactMessage => {
    const found = [...readMessagesFromString(`UNH+M1+CUSCAR:D:95B:UN'${body}UNT+99+M1'`)].find(
      (i) => i.kind === 'message',
    );
    if (found?.kind !== 'message') throw new Error('no message');
    return found;
  };

  it('marks a to-order consignee and drops it as a party', () => {
    const items = mapCuscar(cuscar("TDT+20+V1'LOC+60+BEANR'CNI+1'RFF+BM:BL1'NAD+CN+++TO ORDER'GID+1+2:CT'"));
    const consignment = items.find((i) => i.kind === 'consignment');
    expect(consignment?.kind === 'consignment' && consignment.record).toMatchObject({
      transportDocumentNumber: 'BL1',
      consigneeToOrder: true,
      portLocode: 'BEANR',
    });
    expect(consignment?.kind === 'consignment' && consignment.record.consignee).toBeUndefined();
  });

  it('rejects a consignment without any transport document number, with its position', () => {
    const items = mapCuscar(cuscar("LOC+60+BEANR'CNI+1'GID+1'"));
    expect(items.find((i) => i.kind === 'rejection')).toEqual({
      kind: 'rejection',
      rejection: expect.objectContaining({
        position: 'segment 3 (CNI)',
        recordRef: 'M1',
        field: 'transportDocumentNumber',
        code: 'missing_field',
      }),
    });
  });
});
