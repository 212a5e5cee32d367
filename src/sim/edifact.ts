/**
 * EDIFACT writers for the simulated traffic: one interchange per port, day and message type
 * (CUSCAR: one message per vessel call; COARRI: a discharge and a loading report per call;
 * CODECO: one gate-in and one gate-out report per terminal). Segment layouts are listed in
 * docs/simulator.md ("EDIFACT layout") so the mapper authors can check them; the escaping is
 * the shared writer's (src/lib/edifact/writer.ts).
 */

import type { PartyRecord } from '../ingest/records.ts';
import { formatSegment, formatUna } from '../lib/edifact/index.ts';
import {
  type CallTraffic,
  type DayTraffic,
  type ManifestConsignment,
  type Move,
  manifestDeclaredAt,
  type VesselCall,
} from './traffic.ts';

type El = string | readonly string[];

/** CCYYMMDDHHMM in UTC (DTM format 203). */
export function dtm203(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** Accumulates one message's segments and counts them for UNT. */
class MessageBuilder {
  private readonly lines: string[] = [];
  constructor(
    private readonly reference: string,
    type: string,
  ) {
    this.seg('UNH', [reference, [type, 'D', '95B', 'UN']]);
  }
  seg(tag: string, elements: readonly El[]): void {
    this.lines.push(formatSegment(tag, elements));
  }
  finish(): string {
    this.seg('UNT', [String(this.lines.length + 1), this.reference]);
    return `${this.lines.join('\n')}\n`;
  }
}

interface Interchange {
  sender: string;
  recipient: string;
  reference: string;
  preparedAt: number;
}

function wrap(i: Interchange, messages: string[]): string {
  const d = dtm203(i.preparedAt);
  const head = [
    formatUna(),
    formatSegment('UNB', [
      ['UNOC', '3'],
      i.sender,
      i.recipient,
      [d.slice(2, 8), d.slice(8, 12)],
      i.reference,
    ]),
  ].join('\n');
  return `${head}\n${messages.join('')}${formatSegment('UNZ', [String(messages.length), i.reference])}\n`;
}

const loc = (qualifier: string, code: string, related?: string): El[] =>
  related ? [qualifier, [code, '139', '6'], [related, 'TER', 'ZZZ']] : [qualifier, [code, '139', '6']];

const vesselTdt = (c: VesselCall): El[] => [
  '20',
  c.voyage,
  '1',
  '',
  [c.carrier, '172', '20'],
  '',
  '',
  [c.vesselImo, '146', '11', c.vesselName],
];

/** NAD+qualifier+id:EORI++name+street+city++postcode+country (C080 name, C059 street). */
function nad(qualifier: string, p: PartyRecord): El[] {
  return [
    qualifier,
    p.eori ? [p.eori, 'EORI'] : '',
    '',
    p.name,
    p.street ?? '',
    p.city ?? '',
    '',
    p.postcode ?? '',
    p.country ?? '',
  ];
}

function cuscarMessage(reference: string, t: CallTraffic): string {
  const m = new MessageBuilder(reference, 'CUSCAR');
  const c = t.call;
  m.seg('BGM', ['85', `CR${c.voyage}${c.vesselImo}`, '9']);
  m.seg('DTM', [['137', dtm203(manifestDeclaredAt(t)), '203']]);
  m.seg('TDT', vesselTdt(c));
  for (const p of c.previousPorts) m.seg('LOC', loc('125', p));
  m.seg('LOC', loc('60', c.port, c.terminal));
  m.seg('DTM', [['132', dtm203(c.ata), '203']]);
  m.seg('DTM', [['133', dtm203(c.etd), '203']]);
  t.consignments.forEach((k, i) => {
    consignmentSegments(m, k, i + 1);
  });
  return m.finish();
}

function consignmentSegments(m: MessageBuilder, k: ManifestConsignment, n: number): void {
  m.seg('CNI', [String(n), k.transportDocumentNumber]);
  m.seg('RFF', [['BM', k.transportDocumentNumber]]);
  m.seg('LOC', loc('88', k.placeOfReceipt));
  m.seg('LOC', loc('9', k.placeOfLoading));
  for (const t of k.transshipmentPorts) m.seg('LOC', loc('13', t));
  m.seg('LOC', loc('11', k.placeOfDischarge));
  m.seg('LOC', ['27', k.originCountry]);
  m.seg('CNT', [['7', String(k.grossMassKg), 'KGM']]);
  m.seg('CNT', [['11', String(k.packages)]]);
  m.seg('NAD', nad('CZ', k.shipper));
  m.seg('NAD', k.consignee ? nad('CN', k.consignee) : ['CN', '', '', 'TO ORDER']);
  if (k.notifyParty) m.seg('NAD', nad('N1', k.notifyParty));
  if (k.forwarder) m.seg('NAD', nad('FW', k.forwarder));
  m.seg('GID', ['1', [String(k.packages), k.packageType]]);
  m.seg('FTX', ['AAA', '', '', k.description]);
  m.seg('PIA', ['5', [k.hsCode, 'HS']]);
  m.seg('MEA', ['AAE', 'G', ['KGM', String(k.grossMassKg)]]);
  for (const box of k.containers) m.seg('SGP', [box.containerNumber]);
  for (const box of k.containers) {
    m.seg('EQD', ['CN', box.containerNumber, [box.sizeType, '102', '5'], '', '3', '5']);
    m.seg('MEA', ['AAE', 'G', ['KGM', String(box.grossMassKg)]]);
    m.seg('SEL', [box.seal, 'CA']);
  }
}

function equipment(m: MessageBuilder, e: Move): void {
  m.seg('EQD', [
    'CN',
    e.containerNumber,
    [e.sizeType, '102', '5'],
    '',
    String(e.direction),
    e.full ? '5' : '4',
  ]);
}

function coarriMessage(
  reference: string,
  call: VesselCall,
  moves: Move[],
  kind: 'discharge' | 'loading',
): string {
  const m = new MessageBuilder(reference, 'COARRI');
  m.seg('BGM', [
    kind === 'discharge' ? '98' : '122',
    `${kind === 'discharge' ? 'D' : 'L'}${call.voyage}${call.vesselImo}`,
    '9',
  ]);
  m.seg('DTM', [['137', dtm203(call.etd), '203']]);
  m.seg('TDT', vesselTdt(call));
  m.seg('LOC', loc(kind === 'discharge' ? '11' : '9', call.port, call.terminal));
  m.seg('DTM', [['178', dtm203(call.ata), '203']]);
  m.seg('DTM', [['133', dtm203(call.etd), '203']]);
  m.seg('NAD', ['CF', [call.carrier, '172', '20']]);
  for (const e of moves) {
    equipment(m, e);
    m.seg('DTM', [['203', dtm203(e.at), '203']]);
    if (e.cell) m.seg('LOC', ['147', [e.cell, '', '5']]);
    if (kind === 'discharge' && e.portOfLoading) m.seg('LOC', loc('9', e.portOfLoading));
    if (kind === 'loading' && e.portOfDischarge) m.seg('LOC', loc('11', e.portOfDischarge));
    if (e.verifiedGrossMassKg !== undefined)
      m.seg('MEA', ['AAE', 'VGM', ['KGM', String(e.verifiedGrossMassKg)]]);
    for (const s of e.seals) m.seg('SEL', [s, 'CA']);
  }
  m.seg('CNT', [['16', String(moves.length)]]);
  return m.finish();
}

function codecoMessage(
  reference: string,
  port: string,
  terminal: string,
  moves: Move[],
  gate: 'in' | 'out',
  date: string,
): string {
  const m = new MessageBuilder(reference, 'CODECO');
  m.seg('BGM', [
    gate === 'in' ? '36' : '34',
    `G${gate === 'in' ? 'I' : 'O'}${terminal}${date.replaceAll('-', '')}`,
    '9',
  ]);
  m.seg('DTM', [['137', dtm203(Date.parse(`${date}T23:59:00Z`)), '203']]);
  for (const e of moves) {
    equipment(m, e);
    m.seg('DTM', [['7', dtm203(e.at), '203']]);
    m.seg('LOC', loc('165', port, terminal));
    if (gate === 'in' && e.portOfDischarge) m.seg('LOC', loc('11', e.portOfDischarge));
    if (e.verifiedGrossMassKg !== undefined)
      m.seg('MEA', ['AAE', 'VGM', ['KGM', String(e.verifiedGrossMassKg)]]);
    for (const s of e.seals) m.seg('SEL', [s, 'CA']);
    // Inland transport: stage 10 pre-carriage (gate-in) / 30 on-carriage (gate-out), mode 3 road,
    // haulier name in C040, truck plate in C222.
    m.seg('TDT', [
      gate === 'in' ? '10' : '30',
      '',
      '3',
      '',
      ['', '', '', e.haulier ?? ''],
      '',
      '',
      [e.truckPlate ?? ''],
    ]);
  }
  m.seg('CNT', [['16', String(moves.length)]]);
  return m.finish();
}

export type EdifactKind = 'CUSCAR' | 'COARRI' | 'CODECO';

/** The EDIFACT files of one port-day: file name → interchange text. Empty types are omitted. */
export function edifactFiles(day: DayTraffic): { name: string; kind: EdifactKind; text: string }[] {
  const stamp = day.date.replaceAll('-', '');
  const preparedAt = Date.parse(`${day.date}T23:59:00Z`);
  const interchange = (n: number): Interchange => ({
    sender: 'TANDEMSIM',
    recipient: `${day.port}CUSTOMS`,
    reference: `${day.port.slice(2)}${stamp.slice(2)}${n}`,
    preparedAt,
  });
  const out: { name: string; kind: EdifactKind; text: string }[] = [];
  const ref = (i: number) => String(i + 1).padStart(4, '0');
  const manifests = day.calls.filter((c) => c.consignments.length > 0);
  if (manifests.length > 0) {
    const messages = manifests.map((c, i) => cuscarMessage(`M${stamp}${ref(i)}`, c));
    out.push({
      name: `${day.port}-${stamp}-CUSCAR.edi`,
      kind: 'CUSCAR',
      text: wrap(interchange(1), messages),
    });
  }
  const coarri: string[] = [];
  for (const c of day.calls) {
    if (c.discharges.length > 0)
      coarri.push(coarriMessage(`A${stamp}${ref(coarri.length)}`, c.call, c.discharges, 'discharge'));
    if (c.loads.length > 0)
      coarri.push(coarriMessage(`A${stamp}${ref(coarri.length)}`, c.call, c.loads, 'loading'));
  }
  if (coarri.length > 0)
    out.push({ name: `${day.port}-${stamp}-COARRI.edi`, kind: 'COARRI', text: wrap(interchange(2), coarri) });
  const codeco: string[] = [];
  for (const [gate, moves] of [
    ['in', day.gateIns],
    ['out', day.gateOuts],
  ] as const) {
    const byTerminal = new Map<string, Move[]>();
    for (const e of moves) {
      const list = byTerminal.get(e.terminal);
      if (list) list.push(e);
      else byTerminal.set(e.terminal, [e]);
    }
    for (const [terminal, list] of [...byTerminal].sort(([a], [b]) => a.localeCompare(b))) {
      codeco.push(codecoMessage(`C${stamp}${ref(codeco.length)}`, day.port, terminal, list, gate, day.date));
    }
  }
  if (codeco.length > 0)
    out.push({ name: `${day.port}-${stamp}-CODECO.edi`, kind: 'CODECO', text: wrap(interchange(3), codeco) });
  return out;
}
