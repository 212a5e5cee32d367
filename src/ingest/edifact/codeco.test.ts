import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../../test/support/shared-data.ts';
import { type EdifactMessage, readMessagesFromString } from '../../lib/edifact/index.ts';
import type { ContainerEventRecord, IngestItem } from '../records.ts';
import { mapCoarri, mapCodeco } from './codeco.ts';

function messagesOf(text: string): EdifactMessage[] {
  return [...readMessagesFromString(text)].filter((m): m is EdifactMessage => m.kind === 'message');
}

function sample(name: string): EdifactMessage[] {
  return messagesOf(readFileSync(requireSharedData(`edifact-samples/${name}`), 'utf8'));
}

function events(items: IngestItem[]): ContainerEventRecord[] {
  return items.flatMap((i) => (i.kind === 'container_event' ? [i.record] : []));
}

describe('mapCodeco on the SMDG CODECO 2.1 VGM samples', () => {
  it.each([
    [
      'codeco-d00b-smdg21-vgm-1.edi',
      'TDT stage 10 (pre-carriage)',
      undefined,
      '2015-12-27T16:39:00Z',
      ['0465672'],
    ],
    [
      'codeco-d00b-smdg21-vgm-2.edi',
      'TDT stage 10 (pre-carriage)',
      12373,
      '2015-12-27T16:39:00Z',
      ['0465672'],
    ],
    ['codeco-d00b-smdg21-vgm-4.edi', 'EQD status 2 (export)', 12373, undefined, ['V0465672']],
  ])('%s: one gate-in of PONU4863849', (file, basis, vgm, occurredAt, seals) => {
    const [message] = sample(file);
    if (!message) throw new Error('no message');
    const items = mapCodeco(message);
    expect(items.map((i) => i.kind)).toEqual(['container_event']);
    const [event] = events(items);
    expect(event).toMatchObject({
      containerNumber: 'PONU4863849',
      sizeType: '4532',
      eventType: 'gate_in',
      placeLocode: 'AUMEL',
      placeDetail: 'CONWS',
      fullEmpty: 'full',
      seals,
    });
    expect(event?.occurredAt).toBe(occurredAt);
    expect(event?.verifiedGrossMassKg).toBe(vgm);
    expect(event?.details.directionBasis).toBe(basis);
    expect(items[0]?.kind === 'container_event' && items[0].ref).toMatchObject({ recordRef: '241443010001' });
  });

  it('reads the vessel, ports and the road haulier of vgm-1', () => {
    const [message] = sample('codeco-d00b-smdg21-vgm-1.edi');
    if (!message) throw new Error('no message');
    const [event] = events(mapCodeco(message));
    expect(event).toMatchObject({
      vesselImo: '7104673',
      vesselName: 'MSC CLAUDIA',
      voyage: '048R',
      haulier: 'BELLWAY',
      portOfLoading: 'AUMEL',
      portOfDischarge: 'ZACPT',
    });
    // AET is the equipment gross mass, not a verified gross mass: kept aside.
    expect(event?.details).toMatchObject({
      truckPlate: 'LIK38I',
      bookingNumber: '800255846',
      massesKg: { AET: 10474 },
    });
  });
});

const codeco = (bgm: string, eqd: string, group = ''): string =>
  `UNH+1+CODECO:D:95B:UN:SMDG20'BGM+${bgm}+DOC1+9'TDT+20+V1+1++MSC:172:20+++9321483:146:11:MSC ANNA'LOC+165+BEANR:139:6+K1742:TER'EQD+${eqd}'DTM+7:202403010815:203'${group}CNT+16:1'UNT+8+1'`;

describe('mapCodeco direction and problems', () => {
  it.each([
    ['34', 'CN+MSCU1234565+45G1:102:5++3+5', '', 'gate_out', 'BGM document code 34'],
    ['36', 'CN+MSCU1234565+45G1:102:5++3+5', '', 'gate_in', 'BGM document code 36'],
    [
      '999',
      'CN+MSCU1234565+45G1:102:5+++4',
      "TDT+30++3++:::ROADWAYS'",
      'gate_out',
      'TDT stage 30 (on-carriage)',
    ],
    ['999', 'CN+MSCU1234565+45G1:102:5++3+5', '', 'gate_out', 'EQD status 3 (import)'],
  ])('BGM %s, EQD %s -> %s', (bgm, eqd, group, eventType, basis) => {
    const [message] = messagesOf(codeco(bgm, eqd, group));
    if (!message) throw new Error('no message');
    const [event] = events(mapCodeco(message));
    expect(event).toMatchObject({
      eventType,
      placeLocode: 'BEANR',
      placeDetail: 'K1742',
      occurredAt: '2024-03-01T08:15:00Z',
    });
    expect(event?.details.directionBasis).toBe(basis);
  });

  it('keeps an event of unknown direction as a status event, with a warning', () => {
    const [message] = messagesOf(codeco('999', 'CN+MSCU1234565+45G1:102:5+++5'));
    if (!message) throw new Error('no message');
    const items = mapCodeco(message);
    expect(items.map((i) => (i.kind === 'warning' ? i.warning.code : i.kind))).toEqual([
      'event_direction_unknown',
      'container_event',
    ]);
    expect(events(items)[0]).toMatchObject({ eventType: 'status', statusCode: 'CODECO 999' });
  });

  it('rejects an EQD without container number', () => {
    const [message] = messagesOf(codeco('36', 'CN++45G1:102:5++2+5'));
    if (!message) throw new Error('no message');
    const items = mapCodeco(message);
    expect(items).toHaveLength(1);
    expect(items[0]?.kind === 'rejection' && items[0].rejection).toMatchObject({
      code: 'missing_field',
      field: 'containerNumber',
      position: 'segment 5 (EQD)',
      recordRef: '1',
    });
  });
});

describe('mapCoarri', () => {
  it('reads the ITG13 Genoa sample: a discharge report of 2 and a loading report of 19', () => {
    const messages = sample('coarri-d95b-itg13-itgoa.edi');
    expect(messages.map((m) => m.header.reference)).toEqual(['1452515553811', '1452515553819']);
    const [discharge, loading] = messages.map((m) => mapCoarri(m));
    expect(events(discharge ?? []).map((e) => e.eventType)).toEqual(['discharged', 'discharged']);
    expect(events(loading ?? [])).toHaveLength(19);
    expect(new Set(events(loading ?? []).map((e) => e.eventType))).toEqual(new Set(['loaded']));
    expect(events(discharge ?? [])[0]).toEqual({
      containerNumber: 'FCIU9908030',
      sizeType: '45G1',
      eventType: 'discharged',
      occurredAt: '2016-02-03T09:13:00Z',
      placeLocode: 'ITGOA',
      placeDetail: '380886',
      seals: ['SI'],
      fullEmpty: 'full',
      vesselName: 'COSCO AFRICA',
      voyage: '031W',
      portOfLoading: 'TRKMX',
      portOfDischarge: 'ITGOA',
      details: {
        documentCode: '44',
        directionBasis: 'BGM document code 44',
        equipmentStatus: '3',
        callSign: '3ERX3',
        carrierCode: 'COS',
        containerOperator: 'COE',
        massesKg: { T: 4000, EGW: 8914 },
        goods: ['GENERAL CARGO'],
        terminal: 'VTE',
        placeOfDelivery: 'ITGOA',
      },
    });
    const last = events(loading ?? []).at(-1);
    expect(last).toMatchObject({
      containerNumber: 'CAXU3190016',
      sizeType: '22G1',
      eventType: 'loaded',
      placeLocode: 'ITGOA',
      placeDetail: '091386',
      portOfDischarge: 'GRPIR',
      voyage: '032E',
      seals: ['618700'],
    });
    expect(last?.details.bookingNumber).toBe('9000157920');
  });

  it('reads the D.23A Moin sample: 74 discharges (12 empty) from the message port', () => {
    const [message] = sample('coarri-d23a-crmob-mixed-linebreaks.edi');
    if (!message) throw new Error('no message');
    const items = mapCoarri(message);
    const all = events(items);
    expect(items).toHaveLength(74);
    expect(all).toHaveLength(74);
    expect(new Set(all.map((e) => e.eventType))).toEqual(new Set(['discharged']));
    expect(all.filter((e) => e.fullEmpty === 'empty')).toHaveLength(12);
    expect(all[0]).toMatchObject({
      containerNumber: 'KOSU4954710',
      occurredAt: '2025-02-27T23:02:00Z',
      placeLocode: 'CRMOB',
      vesselImo: '9118018',
      vesselName: 'CHARLOTTE',
      voyage: '133',
      verifiedGrossMassKg: 16733.08,
      portOfLoading: 'NIELB',
      seals: ['309046'],
    });
    expect(all[0]?.placeDetail).toBeUndefined();
    expect(all[0]?.details).toMatchObject({ billOfLading: 'NICPEV11478', terminal: '0002' });
    expect(all[0]?.details.directionBasis).toBe('message port is LOC 11 (place of discharge)');
    expect(all.at(-1)?.seals).toEqual(['309126', '62415', '1648190']);
  });
});
