/*
 * Regenerates the code lists shipped in src/domain/data/ from the source files in shared/data:
 *   locodes.tsv.gz      UN/LOCODE with coordinates (geoapify/un-locode, MIT)
 *   countries.tsv       ISO 3166-1 alpha-2 (datasets/un-locode, PDDL)
 *   hs2022.tsv.gz       HS 2022 chapters, headings, subheadings (datasets/harmonized-system, PDDL)
 *   hs2022-sections.tsv HS sections I–XXI (same source)
 * Output is deterministic (sorted rows, gzip without timestamp) so a rerun gives identical bytes.
 * Usage: npx tsx scripts/build-code-lists.ts [sharedDataDir] [outputDir]
 *   defaults: ../shared/data beside the repository, and src/domain/data/
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** A folder given on the command line, or the default relative to this script. */
function folder(arg: string | undefined, fallback: string): URL {
  if (arg === undefined || arg === '') return new URL(fallback, import.meta.url);
  return pathToFileURL(`${path.resolve(arg)}/`);
}

const sourceDir = folder(process.argv[2], '../../shared/data/');
const outputDir = folder(process.argv[3], '../src/domain/data/');

function readCsv(relPath: string): Record<string, string>[] {
  const file = new URL(relPath, sourceDir);
  if (!existsSync(file)) throw new Error(`source file missing: ${file.pathname}`);
  const records: unknown = parse(readFileSync(file), {
    columns: true,
    bom: true,
    // 6,206 UN/LOCODE rows omit the trailing `geocoded` column
    relax_column_count: true,
    skip_empty_lines: true,
  });
  return z.array(z.record(z.string(), z.string())).parse(records);
}

/** TSV fields must not contain the separators; UN/LOCODE names occasionally carry stray whitespace. */
function field(value: string | undefined): string {
  return (value ?? '').replace(/[\t\r\n]+/g, ' ').trim();
}

/** Coordinates rounded to 4 decimals (~11 m, finer than a UN/LOCODE location is defined): the source's 16-digit floats triple the file size. */
function coordinate(value: string | undefined): string {
  const text = field(value);
  if (text === '') return '';
  const number = Number(text);
  if (!Number.isFinite(number)) return '';
  return String(Math.round(number * 1e4) / 1e4);
}

function writeTsv(fileName: string, rows: string[][]): void {
  const text = `${rows.map((row) => row.join('\t')).join('\n')}\n`;
  const bytes = fileName.endsWith('.gz')
    ? gzipSync(Buffer.from(text, 'utf8'), { level: 9 })
    : Buffer.from(text, 'utf8');
  writeFileSync(new URL(fileName, outputDir), bytes);
  console.log(`${fileName}: ${rows.length} rows, ${bytes.length} bytes`);
}

function byFirstField(a: string[], b: string[]): number {
  const x = a[0] ?? '';
  const y = b[0] ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function buildCountries(): Set<string> {
  const rows = readCsv('unlocode/country-codes.csv').map((r) => [field(r.CountryCode), field(r.CountryName)]);
  const valid = rows.filter(([code]) => /^[A-Z]{2}$/.test(code ?? ''));
  writeTsv('countries.tsv', valid.sort(byFirstField));
  return new Set(valid.map(([code]) => code ?? ''));
}

function buildLocodes(): void {
  const seen = new Map<string, string[]>();
  let skipped = 0;
  for (const r of readCsv('unlocode/unlocode-with-coordinates.csv')) {
    const code = `${field(r.country)}${field(r.location)}`;
    if (!/^[A-Z]{2}[A-Z0-9]{3}$/.test(code)) {
      skipped += 1;
      continue;
    }
    // On a duplicate code the first row wins, as in the UNECE file order
    if (seen.has(code)) continue;
    seen.set(code, [
      code,
      field(r.name),
      field(r.subdivision),
      field(r.function),
      coordinate(r.lat),
      coordinate(r.lon),
    ]);
  }
  if (skipped > 0) console.log(`locodes: skipped ${skipped} rows with a malformed code`);
  writeTsv('locodes.tsv.gz', [...seen.values()].sort(byFirstField));
}

function buildHs(): void {
  const codes = readCsv('hs/harmonized-system.csv')
    .filter((r) => /^[0-9]{2}([0-9]{2}){0,2}$/.test(field(r.hscode)))
    .map((r) => [field(r.hscode), field(r.section), field(r.description)]);
  writeTsv('hs2022.tsv.gz', codes.sort(byFirstField));
  const sections = readCsv('hs/sections.csv').map((r) => [field(r.section), field(r.name)]);
  writeTsv('hs2022-sections.tsv', sections);
}

mkdirSync(outputDir, { recursive: true });
buildCountries();
buildLocodes();
buildHs();
