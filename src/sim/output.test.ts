import { describe, expect, it } from 'vitest';
import { METHODS, DEFAULT_NEW_METHOD } from './calibration.ts';
import { checkEdifact, checkJson, emptyReport } from './ingest-check.ts';
import { type OutputChunk, simulateStream } from './stream.ts';
import { truthRecord, type TruthRecord } from './truth.ts';

// Ten days at scale 0.1 for both ports: about 70,000 containers and a handful of contaminated ones.
const chunks: OutputChunk[] = [];
for await (const c of simulateStream({ ports: ['BEANR', 'NLRTM'], from: '2022-11-10', days: 10, seed: 5, scale: 0.1, formats: ['edifact', 'json'] })) {
  chunks.push(c);
}
const messages = chunks.filter((c) => c.kind !== 'truth');
const truth: TruthRecord[] = chunks
  .filter((c) => c.kind === 'truth')
  .flatMap((c) => c.text.trim().split('\n'))
  .map((l) => truthRecord.parse(JSON.parse(l)));

describe('simulator output', () => {
  it('has ground truth to hide', () => {
    expect(truth.length).toBeGreaterThan(2);
  });

  it('never writes the ground truth into a message file', () => {
    const forbidden = [...METHODS, 'cocaine', 'COCAINE', 'contamination', 'massKg', 'sealReplaced', 'extraction', 'baseline', 'fieldSeal', DEFAULT_NEW_METHOD.description];
    for (const c of messages) {
      for (const word of forbidden) expect(c.text.includes(word), `${word} in ${c.file}`).toBe(false);
    }
  });

  it('makes a replaced seal visible: the manifest shows one seal, the terminal another', () => {
    const ripOff = truth.filter((t) => t.method === 'rip_on_rip_off');
    const text = messages.map((c) => c.text).join('');
    for (const t of truth) {
      expect(text).toContain(`EQD+CN+${t.containerNumber}+`);
      expect(text).toContain(`SEL+${t.manifestSeal}+CA`);
      expect(text).toContain(`SEL+${t.fieldSeal}+CA`);
    }
    for (const t of ripOff) expect(t.fieldSeal).not.toBe(t.manifestSeal);
  });

  it('ingests with zero rejections and zero warnings through the platform parsers and validator', async () => {
    const report = emptyReport();
    for (const c of messages) {
      if (c.kind === 'edifact') checkEdifact(report, c.file, c.text);
      else await checkJson(report, c.file, c.text);
    }
    expect(report.rejections.slice(0, 5)).toEqual([]);
    expect(report.warnings.slice(0, 5)).toEqual([]);
    expect(report.records).toBeGreaterThan(50_000);
  });

  it('says the same thing in EDIFACT and in JSON', async () => {
    const fromEdifact = emptyReport();
    const fromJson = emptyReport();
    const day = messages.filter((c) => c.date === '2022-11-12' && c.port === 'BEANR');
    for (const c of day) {
      if (c.kind === 'edifact') checkEdifact(fromEdifact, c.file, c.text, true);
      else await checkJson(fromJson, c.file, c.text, true);
    }
    const key = (r: unknown) => JSON.stringify(r, Object.keys(r as object).sort());
    const summary = (rs: unknown[]) =>
      rs.map((r) => {
        const c = r as { transportDocumentNumber: string; containers: { containerNumber: string; seals: string[] }[]; goods: { hsCode?: string }[]; consigneeToOrder: boolean };
        return key({ bl: c.transportDocumentNumber, boxes: c.containers.map((b) => `${b.containerNumber}/${b.seals.join()}`), hs: c.goods[0]?.hsCode, toOrder: c.consigneeToOrder });
      }).sort();
    expect(fromJson.byType.consignment.length).toBeGreaterThan(20);
    expect(summary(fromEdifact.byType.consignment)).toEqual(summary(fromJson.byType.consignment));
    const events = (rs: unknown[]) => rs.map((r) => { const e = r as { containerNumber: string; eventType: string; occurredAt: string; seals: string[] }; return `${e.containerNumber} ${e.eventType} ${e.occurredAt} ${e.seals.join()}`; }).sort();
    expect(events(fromEdifact.byType.container_event)).toEqual(events(fromJson.byType.container_event));
  });
});
