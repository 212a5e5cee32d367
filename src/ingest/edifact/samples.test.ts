/**
 * The 24 real EDIFACT samples in shared/data/edifact-samples: every file must tokenize and group
 * without throwing, into the messages a reader of the file sees; the CUSCAR and BAPLIE ones must
 * map to the numbers of consignments and containers counted by hand (grep) in the files.
 */
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunksOf } from '../../../test/support/parsers.ts';
import { requireSharedData } from '../../../test/support/shared-data.ts';
import { type EdifactItem, type EdifactMessage, readMessages } from '../../lib/edifact/index.ts';
import type { IngestItem } from '../records.ts';
import { mapBaplie } from './baplie.ts';
import { mapCuscar } from './cuscar.ts';

const dir = requireSharedData('edifact-samples');

async function read(file: string): Promise<EdifactItem[]> {
  const items: EdifactItem[] = [];
  for await (const item of readMessages(createReadStream(path.join(dir, file), { highWaterMark: 4096 })))
    items.push(item);
  return items;
}

const messages = (items: EdifactItem[]): EdifactMessage[] =>
  items.filter((i): i is EdifactMessage => i.kind === 'message');

/** file -> "TYPE:version:release xN" per message type, segments inside messages, problem codes. */
const expected: Record<string, { types: string; segments: number; problems: string[] }> = {
  'aperak-d00a-anz23.edi': { types: 'APERAK:D:00A x1', segments: 12, problems: [] },
  'baplie-d04b-placeholder-singleline.edi': { types: 'BAPLIE:D:04B x1', segments: 17, problems: [] },
  'baplie-d95b-smdg20-crmob-singleline.edi': { types: 'BAPLIE:D:95B x1', segments: 6875, problems: [] },
  'baplie-d95b-smdg20-gbsou-arrival.edi': { types: 'BAPLIE:D:95B x1', segments: 9451, problems: [] },
  'baplie-d95b-smdg20-mypkg-large.edi': { types: 'BAPLIE:D:95B x1', segments: 35247, problems: [] },
  'baplie-d95b-smdg20-oocl-uslgb.edi': { types: 'BAPLIE:D:95B x1', segments: 28, problems: [] },
  'baplie-smdg15-911-cnfoc.edi': { types: 'BAPLIE:1:911 x1', segments: 30805, problems: [] },
  'coarri-d23a-crmob-mixed-linebreaks.edi': {
    types: 'COARRI:D:23A x1',
    segments: 831,
    problems: ['unt_count_mismatch'],
  },
  'coarri-d95b-itg13-itgoa.edi': { types: 'COARRI:D:95B x2', segments: 266, problems: [] },
  'codeco-d00b-smdg21-vgm-1.edi': {
    types: 'CODECO:D:00B x1',
    segments: 26,
    problems: ['unt_count_mismatch'],
  },
  'codeco-d00b-smdg21-vgm-2.edi': {
    types: 'CODECO:D:00B x1',
    segments: 26,
    problems: ['unt_count_mismatch'],
  },
  'codeco-d00b-smdg21-vgm-4.edi': { types: 'CODECO:D:00B x1', segments: 14, problems: [] },
  'coprar-d95b-nounb-release.edi': {
    types: 'COPRAR:D:95B x1',
    segments: 27,
    problems: ['unt_count_mismatch'],
  },
  'cuscar-d03b-ace-ung-bom.edi': { types: 'CUSCAR:D:03B x1', segments: 36, problems: [] },
  'cuscar-d95b-lot10-gbpme.edi': { types: 'CUSCAR:D:95B x1', segments: 28, problems: ['unt_count_mismatch'] },
  'cusres-1-921-es-error.edi': { types: 'CUSRES:1:921 x1', segments: 6, problems: [] },
  'iftmbc-d00b-segment-split-across-lines.edi': {
    types: 'IFTMBC:D:00B x1',
    segments: 5,
    problems: ['unt_count_mismatch'],
  },
  'iftmin-s93a-pn001-una-2msgs.edi': {
    types: 'IFTMIN:S:93A x2',
    segments: 32,
    problems: ['unt_count_mismatch'],
  },
  'iftsai-d99b-nlrtm-1.edi': { types: 'IFTSAI:D:99B x1', segments: 25, problems: ['missing_unz'] },
  'iftsai-d99b-nlrtm-4.edi': { types: 'IFTSAI:D:99B x1', segments: 46, problems: [] },
  'iftsta-d00b-rail-intransit.edi': {
    types: 'IFTSTA:D:00B x1',
    segments: 29,
    problems: ['unz_reference_mismatch'],
  },
  'movins-d95b-smdg20-singleline.edi': { types: 'MOVINS:D:95B x1', segments: 3019, problems: [] },
  'paxlst-d03b-ace-syntax4-repetition.edi': { types: 'PAXLST:D:03B x1', segments: 14, problems: [] },
  'syntax-paores-release-character-torture.edi': {
    types: 'PAORES:93:1 x1',
    segments: 21,
    problems: ['unt_count_mismatch'],
  },
};

describe('EDIFACT samples: syntax layer', () => {
  it('covers every sample file', () => {
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.edi'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', async (file, want) => {
    const items = await read(file);
    const found = messages(items);
    const byType = new Map<string, number>();
    for (const m of found) {
      const key = `${m.header.type}:${m.header.version}:${m.header.release}`;
      byType.set(key, (byType.get(key) ?? 0) + 1);
    }
    expect([...byType].map(([k, n]) => `${k} x${n}`).join(', ')).toBe(want.types);
    expect(found.reduce((n, m) => n + m.segments.length, 0)).toBe(want.segments);
    expect(items.flatMap((i) => (i.kind === 'problem' ? [i.code] : []))).toEqual(want.problems);
    expect(found.every((m) => !m.truncated)).toBe(true);
  });

  it('reads every sample the same whatever the chunks (the fast and the exact path of the scanner agree)', async () => {
    const view = (item: EdifactItem) =>
      item.kind === 'problem'
        ? item
        : {
            ...item,
            segments: item.segments.map((s) => ({
              tag: s.tag,
              elements: s.elements,
              repetitions: s.repetitions,
              segmentNumber: s.segmentNumber,
              line: s.line,
            })),
          };
    for (const file of Object.keys(expected)) {
      const bytes = readFileSync(path.join(dir, file));
      const inChunks = async (size: number) => {
        const items: unknown[] = [];
        for await (const item of readMessages(chunksOf(bytes, size))) items.push(view(item));
        return items;
      };
      const whole = await inChunks(bytes.length);
      for (const size of [7, 64, 65_537])
        expect(await inChunks(size), `${file} in chunks of ${size}`).toEqual(whole);
    }
  }, 60_000);

  it('reads release characters as data (PAORES torture file)', async () => {
    const [message] = messages(await read('syntax-paores-release-character-torture.edi'));
    const ift = message!.segments
      .filter((s) => s.tag === 'IFT')
      .map((s) =>
        s.elements
          .slice(1)
          .map((e) => e.join(':'))
          .join('+'),
      );
    expect(ift).toEqual([
      'XYZCOMPANY AVAILABILITY',
      'NO MORE FLIGHTS 1',
      'NO MORE FLIGHTS 2?',
      "NO MORE ' FLIGHTS 3",
      'NO MORE ? FLIGHTS 3',
      "NO MORE ?' FLIGHTS 3",
      'FIELD 1+FIELD 2',
      'FIELD 1?+FIELD 2',
      'FIELD 1?+FIELD 2',
      'FIELD 1.1:FIELD 1.2',
      'FIELD 1.1?:FIELD 1.2',
      'FIELD 1.1?:FIELD 1.2',
    ]);
  });

  it('joins the FTX broken across lines (IFTMBC)', async () => {
    const [message] = messages(await read('iftmbc-d00b-segment-split-across-lines.edi'));
    const last = message!.segments.filter((s) => s.tag === 'FTX').at(-1)!;
    expect(last.elements[3]).toEqual([
      'THE SHIPPER SHALL NOT BE RESPONSIBLE FOR ANY COSTS/DELAYS OCCUR',
      'DUE TO INTERVENTION OF CUSTOMS.',
    ]);
    expect(last.line).toBe(7);
  });

  it('splits the level 4 repetition without UNA (PAXLST)', async () => {
    const [message] = messages(await read('paxlst-d03b-ace-syntax4-repetition.edi'));
    const att = message!.segments.find((s) => s.tag === 'ATT')!;
    expect(att.repetitions?.[2]).toEqual([['M'], ['M'], ['M'], ['M'], ['M']]);
  });
});

async function mapped(file: string, map: (m: EdifactMessage) => IngestItem[]): Promise<IngestItem[]> {
  return messages(await read(file)).flatMap(map);
}

const count = (items: IngestItem[], kind: IngestItem['kind']): number =>
  items.filter((i) => i.kind === kind).length;

describe('EDIFACT samples: CUSCAR and BAPLIE meaning', () => {
  it.each([
    ['cuscar-d95b-lot10-gbpme.edi', 1, 1],
    ['cuscar-d03b-ace-ung-bom.edi', 1, 1],
  ])('%s: %i consignment(s), %i port call(s), no rejection', async (file, consignments, calls) => {
    const items = await mapped(file, mapCuscar);
    expect(count(items, 'consignment')).toBe(consignments);
    expect(count(items, 'port_call')).toBe(calls);
    expect(count(items, 'rejection')).toBe(0);
  });

  // Expected numbers: `grep -o "EQD+CN+[^+']" file | wc -l` (EQD with a container number).
  it.each([
    ['baplie-d95b-smdg20-oocl-uslgb.edi', 3, 0],
    ['baplie-d95b-smdg20-crmob-singleline.edi', 672, 0],
    ['baplie-d95b-smdg20-gbsou-arrival.edi', 0, 1457],
    ['baplie-d95b-smdg20-mypkg-large.edi', 4053, 0],
    ['baplie-smdg15-911-cnfoc.edi', 3624, 0],
    ['baplie-d04b-placeholder-singleline.edi', 1, 0],
  ])('%s: %i containers on board, %i empty slots', async (file, containers, slots) => {
    const items = await mapped(file, mapBaplie);
    expect(count(items, 'container_event')).toBe(containers);
    expect(count(items, 'rejection')).toBe(0);
    const slotWarning = items.find(
      (i) => i.kind === 'warning' && i.warning.code === 'slot_without_container',
    );
    if (slots === 0) expect(slotWarning).toBeUndefined();
    else
      expect(slotWarning?.kind === 'warning' && slotWarning.warning.message).toContain(
        `${slots} stowage slot(s)`,
      );
  });
});
