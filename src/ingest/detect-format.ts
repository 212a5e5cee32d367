/**
 * Picks the parser for a file from its first bytes: EDIFACT starts with a service segment
 * (UNA, UNB or a bare UNH), JSON with "{" or "[", CSV with a header row naming known columns.
 * A byte order mark and leading white space are skipped. Anything else is refused with what
 * was expected, rather than guessed.
 */

import { sniffSeparator } from './csv.parser.ts';
import { looksLikeKnownHeader } from './csv-layouts.ts';
import type { InputFormat } from './records.ts';

export type FormatDetection = { ok: true; format: InputFormat } | { ok: false; reason: string };

const EXPECTED =
  'expected EDIFACT (starting with UNA, UNB or UNH), JSON (starting with "{" or "[", or JSON Lines) or CSV with a header row naming its columns (e.g. container_number,event_type,... or transport_document_number,...)';

/** Detects the input format from the first bytes of a file (a few kilobytes are enough). */
export function detectFormat(head: Uint8Array): FormatDetection {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { ok: false, reason: 'the file is UTF-16 encoded; save it as UTF-8' };
  }
  // Non-fatal: the head may end in the middle of a multi-byte character.
  const text = new TextDecoder('utf-8')
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text === '') return { ok: false, reason: `the file is empty; ${EXPECTED}` };
  if (/^UN[ABH]/.test(text)) return { ok: true, format: 'edifact' };
  if (text.startsWith('{') || text.startsWith('[')) return { ok: true, format: 'json' };
  const newline = text.search(/\r?\n/);
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  const cells = firstLine
    .split(sniffSeparator(firstLine))
    .map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  if (looksLikeKnownHeader(cells)) return { ok: true, format: 'csv' };
  const shown = firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine;
  return {
    ok: false,
    reason: `unrecognised format: ${EXPECTED}; the file starts with ${JSON.stringify(shown)}`,
  };
}
