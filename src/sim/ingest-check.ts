/**
 * Reads simulator output back through the platform's own parsers, mappers and validator (without
 * a database) and counts what would be quarantined. Used by the tests and by
 * `tandem simulate --check`, so a layout drift between the writers here and the mappers in
 * src/ingest shows up at once, with the rejection reasons.
 */
import { readMessagesFromString } from '../lib/edifact/index.ts';
import { mapMessage } from '../ingest/edifact/index.ts';
import { parseJson } from '../ingest/json.parser.ts';
import type { IngestItem, Rejection } from '../ingest/records.ts';
import { validateConsignment, validateContainerEvent, validatePortCall } from '../ingest/validate.ts';

export interface CheckReport {
  records: number;
  rejections: (Rejection & { file: string })[];
  warnings: { file: string; code: string; message: string; position: string }[];
  /** Validated records by type, for comparisons between formats. */
  byType: { port_call: unknown[]; consignment: unknown[]; container_event: unknown[] };
}

export function emptyReport(): CheckReport {
  return { records: 0, rejections: [], warnings: [], byType: { port_call: [], consignment: [], container_event: [] } };
}

function accept(report: CheckReport, file: string, item: IngestItem, keep: boolean): void {
  switch (item.kind) {
    case 'rejection':
      report.rejections.push({ ...item.rejection, file });
      return;
    case 'warning':
      report.warnings.push({ file, code: item.warning.code, message: item.warning.message, position: item.warning.position });
      return;
    default: {
      const checked =
        item.kind === 'port_call'
          ? validatePortCall(item.record, item.ref)
          : item.kind === 'consignment'
            ? validateConsignment(item.record, item.ref)
            : validateContainerEvent(item.record, item.ref);
      report.records += 1;
      for (const r of checked.rejections) report.rejections.push({ ...r, file });
      for (const w of checked.warnings) report.warnings.push({ file, code: w.code, message: w.message, position: w.position });
      if (keep && checked.record) report.byType[item.kind].push(checked.record);
    }
  }
}

/** Checks one EDIFACT interchange. */
export function checkEdifact(report: CheckReport, file: string, text: string, keep = false): void {
  for (const item of readMessagesFromString(text)) {
    if (item.kind === 'problem') {
      const target = item.severity === 'error' ? 'rejection' : 'warning';
      if (target === 'rejection') report.rejections.push({ file, code: item.code, reason: item.message, position: `segment ${item.segmentNumber ?? '?'}` });
      else report.warnings.push({ file, code: item.code, message: item.message, position: `segment ${item.segmentNumber ?? '?'}` });
      continue;
    }
    for (const mapped of mapMessage(item)) accept(report, file, mapped, keep);
  }
}

/** Checks JSON Lines text. */
export async function checkJson(report: CheckReport, file: string, text: string, keep = false): Promise<void> {
  async function* once(): AsyncIterable<Uint8Array> {
    yield new TextEncoder().encode(text);
  }
  for await (const item of parseJson(once(), { fileName: file })) accept(report, file, item, keep);
}
