import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../../test/support/shared-data.ts';
import { type EdifactMessage, readMessagesFromString } from '../../lib/edifact/index.ts';
import type { IngestItem } from '../records.ts';
import { mapIftsta } from './iftsta.ts';

function messagesOf(text: string): EdifactMessage[] {
  return [...readMessagesFromString(text)].filter((m): m is EdifactMessage => m.kind === 'message');
}

function kinds(items: IngestItem[]): string[] {
  return items.map((i) =>
    i.kind === 'rejection'
      ? `rejection ${i.rejection.code}`
      : i.kind === 'warning'
        ? `warning ${i.warning.code}`
        : i.kind,
  );
}

describe('mapIftsta', () => {
  it('reads the rail in-transit sample: one status event for the container of the STS group', () => {
    const [message] = messagesOf(
      readFileSync(requireSharedData('edifact-samples/iftsta-d00b-rail-intransit.edi'), 'utf8'),
    );
    if (!message) throw new Error('no message');
    const items = mapIftsta(message);
    expect(kinds(items)).toEqual(['container_event']);
    const item = items[0];
    if (item?.kind !== 'container_event') throw new Error('expected an event');
    // The header's RFF+EQ (TRHU4307252) is not the container the status is about.
    expect(item.record).toEqual({
      containerNumber: 'TRHU4561222',
      sizeType: '45G1',
      eventType: 'status',
      statusCode: 'P',
      occurredAt: '2022-11-19T07:10:00Z',
      placeLocode: 'USSYR',
      placeDetail: 'SYRACUSE',
      seals: [],
      fullEmpty: 'full',
      portOfLoading: 'COCTG',
      portOfDischarge: 'USNYC',
      details: {
        statusCategory: '1',
        statusDescription: 'Rail Departed from In-Transit Locat',
        placeName: 'SYRACUSE',
        transportMode: 'rail',
        carrier: 'SENDER-COMP',
        conveyance: 'CSX TRANSPORTATION',
        billOfLading: 'ABCD224O4023815X',
        bookingNumber: '24O4023815',
        consignment: '1',
      },
    });
    expect(item.ref).toMatchObject({ position: 'segment 31 (EQD)', recordRef: '2805567' });
  });

  const iftsta = (body: string): string =>
    `UNH+9+IFTSTA:D:00B:UN'BGM+23+X+9'RFF+EQ:HDRU1234567'${body}UNT+9+9'`;

  it.each([
    ['AE', 'loaded'],
    ['UV', 'discharged'],
    ['OA', 'gate_out'],
    ['VD', 'status'],
    ['I', 'status'],
  ])('status %s -> %s', (statusCode, eventType) => {
    const [message] = messagesOf(
      iftsta(`CNI+1'STS+1+${statusCode}'DTM+7:202401021030:203'LOC+175+BEANR'EQD+CN+MSCU1234565'`),
    );
    if (!message) throw new Error('no message');
    const [item] = mapIftsta(message);
    expect(item?.kind === 'container_event' && item.record).toMatchObject({
      eventType,
      statusCode,
      occurredAt: '2024-01-02T10:30:00Z',
      placeLocode: 'BEANR',
    });
  });

  it('reads the vessel of a sea transport and one event per container of the group', () => {
    const [message] = messagesOf(
      iftsta(
        `CNI+1'STS+1+AE'TDT+20+123W+1++MSC:172+++9321483:146::MSC ANNA'EQD+CN+MSCU1234565'EQD+CN+TGHU1234567'`,
      ),
    );
    if (!message) throw new Error('no message');
    const items = mapIftsta(message);
    expect(
      items.map((i) =>
        i.kind === 'container_event'
          ? [i.record.containerNumber, i.record.vesselImo, i.record.voyage]
          : i.kind,
      ),
    ).toEqual([
      ['MSCU1234565', '9321483', '123W'],
      ['TGHU1234567', '9321483', '123W'],
    ]);
  });

  it('falls back on RFF+EQ of the group, then of the header', () => {
    const [withGroupRef] = messagesOf(iftsta(`CNI+1'STS+1+X1'RFF+EQ:GRPU1234567'`));
    const [headerOnly] = messagesOf(iftsta(`CNI+1'STS+1+X1'`));
    if (!withGroupRef || !headerOnly) throw new Error('no message');
    const containerOf = (items: IngestItem[]) =>
      items[0]?.kind === 'container_event' ? items[0].record.containerNumber : items[0]?.kind;
    expect(containerOf(mapIftsta(withGroupRef))).toBe('GRPU1234567');
    expect(containerOf(mapIftsta(headerOnly))).toBe('HDRU1234567');
  });

  it('rejects an EQD without container number and a status naming no container', () => {
    const [message] = messagesOf(
      `UNH+9+IFTSTA:D:00B:UN'BGM+23+X+9'CNI+1'STS+1+P'EQD+CN'CNI+2'STS+1+P'UNT+9+9'`,
    );
    if (!message) throw new Error('no message');
    const items = mapIftsta(message);
    expect(kinds(items)).toEqual(['rejection missing_field', 'rejection missing_field']);
    expect(
      items.map((i) => (i.kind === 'rejection' ? [i.rejection.field, i.rejection.position] : '')),
    ).toEqual([
      ['containerNumber', 'segment 5 (EQD)'],
      ['containerNumber', 'segment 7 (STS)'],
    ]);
  });

  it('warns when the message has no status at all', () => {
    const [message] = messagesOf(`UNH+9+IFTSTA:D:00B:UN'BGM+23+X+9'UNT+3+9'`);
    if (!message) throw new Error('no message');
    expect(kinds(mapIftsta(message))).toEqual(['warning no_status']);
  });
});
