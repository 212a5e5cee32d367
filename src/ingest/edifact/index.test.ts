import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../../test/support/shared-data.ts';
import { type EdifactMessage, readMessagesFromString } from '../../lib/edifact/index.ts';
import { mapBaplie } from './baplie.ts';
import { mapCoarri, mapCodeco } from './codeco.ts';
import { mapCuscar } from './cuscar.ts';
import { mapIftsta } from './iftsta.ts';
import { mapMessage, supportedMessageTypes } from './index.ts';

function sample(name: string): EdifactMessage[] {
  const text = readFileSync(requireSharedData(`edifact-samples/${name}`), 'utf8');
  return [...readMessagesFromString(text)].filter((m): m is EdifactMessage => m.kind === 'message');
}

describe('mapMessage', () => {
  it('lists the supported message types', () => {
    expect([...supportedMessageTypes].sort()).toEqual(['BAPLIE', 'COARRI', 'CODECO', 'CUSCAR', 'IFTSTA']);
  });

  it.each([
    ['cuscar-d95b-lot10-gbpme.edi', mapCuscar],
    ['baplie-d95b-smdg20-gbsou-arrival.edi', mapBaplie],
    ['codeco-d00b-smdg21-vgm-2.edi', mapCodeco],
    ['coarri-d95b-itg13-itgoa.edi', mapCoarri],
    ['iftsta-d00b-rail-intransit.edi', mapIftsta],
  ])('routes %s to its mapper', (file, mapper) => {
    const messages = sample(file);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      const items = mapMessage(message);
      expect(items).toEqual(mapper(message));
      expect(items.some((i) => i.kind === 'warning' && i.warning.code === 'unsupported_message_type')).toBe(
        false,
      );
    }
  });

  it('gives one warning naming the type and reference of an unsupported message', () => {
    const messages = sample('iftmin-s93a-pn001-una-2msgs.edi');
    expect(messages).toHaveLength(2);
    const items = messages.flatMap((m) => mapMessage(m));
    expect(items).toHaveLength(2);
    const [first] = items;
    expect(first?.kind === 'warning' && first.warning).toMatchObject({
      code: 'unsupported_message_type',
      recordRef: '1',
    });
    expect(first?.kind === 'warning' && first.warning.message).toMatch(/message 1 is of type IFTMIN/);
  });
});
