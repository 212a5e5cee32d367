/**
 * `tandem simulate`: writes simulated port traffic (EDIFACT and JSON Lines) and the hidden
 * ground truth; `tandem simulate inspect` asks the inspection oracle about one container.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseScenario } from '../sim/displacement.ts';
import { checkEdifact, checkJson, emptyReport } from '../sim/ingest-check.ts';
import { INSPECTION_KINDS, type InspectionKind, inspect } from '../sim/oracle.ts';
import { deriveRng } from '../sim/prng.ts';
import { simulateOptions, writeSimulation } from '../sim/stream.ts';
import { readTruthFile } from '../sim/truth.ts';
import { progress, progressDone } from './context.ts';

interface SimulateFlags {
  ports: string;
  from: string;
  days: string;
  seed: string;
  out: string;
  scale: string;
  format: string;
  pressure?: string;
  check?: boolean;
}

export function registerSimulateCommands(program: Command): void {
  const simulate = program
    .command('simulate')
    .description(
      'generate port traffic (CUSCAR, COARRI, CODECO, JSON Lines) with hidden smuggling ground truth in DIR/truth.jsonl',
    )
    .option('--ports <list>', 'ports, comma-separated', 'BEANR,NLRTM')
    .option('--from <date>', 'first day (YYYY-MM-DD)', '2022-01-01')
    .option('--days <n>', 'number of days', '7')
    .option('--seed <seed>', 'random seed: the same seed gives byte-identical output', '1')
    .option('--out <dir>', 'output directory', 'sim-out')
    .option('--scale <x>', 'volume scale (1 = about 40,000 containers a day for both ports)', '0.01')
    .option('--format <list>', 'edifact, json or both', 'edifact,json')
    .option('--pressure <changes>', 'inspection-pressure scenario, e.g. NLRTM:2022-03-01:2 (displacement)')
    .option('--check', 'read the output back through the ingest parsers and validator and report rejections')
    .action(async (flags: SimulateFlags) => {
      const options = simulateOptions.parse({
        ports: flags.ports.split(',').map((p) => p.trim().toUpperCase()),
        from: flags.from,
        days: Number(flags.days),
        seed: /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed,
        scale: Number(flags.scale),
        formats: flags.format.split(',').map((f) => f.trim()),
      });
      const started = Date.now();
      let containers = 0;
      const summary = await writeSimulation(
        { ...options, scenario: parseScenario(flags.pressure ?? '') },
        flags.out,
        (d) => {
          containers += d.stats.discharged + d.stats.gateIn;
          progress(`simulate: ${d.date} ${d.port} — ${containers.toLocaleString('en')} containers so far`);
        },
      );
      progressDone();
      const t = summary.totals;
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `wrote ${summary.files} files (${(summary.bytes / 1_048_576).toFixed(1)} MB) to ${flags.out} in ${seconds.toFixed(1)} s\n` +
          `  discharged ${t.discharged}, loaded ${t.loaded}, gate-in ${t.gateIn}, gate-out ${t.gateOut}\n` +
          `  high-risk lanes ${t.highRisk} (${pct(t.highRisk, t.discharged)} of discharges), reefers ${t.reefers} (${pct(t.reefers, t.discharged)})\n` +
          `  ground truth: ${t.contaminated} contaminated containers, ${Math.round(t.contaminatedKg)} kg, ` +
          `of which the 2022 inspection regime would seize ${Math.round(t.baselineSeizedKg)} kg (in ${join(flags.out, 'truth.jsonl')})\n` +
          `to load the traffic: tandem ingest ${loadHint(flags.out, options.formats)}; truth.jsonl is the hidden ground truth, for tandem simulate inspect only\n`,
      );
      if (flags.check) await checkOutput(flags.out);
    });

  simulate
    .command('inspect')
    .description('ask the inspection oracle what an inspection of a container would find')
    .argument('<container>', 'container number')
    .requiredOption('--truth <file>', 'ground truth file (DIR/truth.jsonl)')
    .option('--kind <kind>', `inspection kind: ${INSPECTION_KINDS.join(', ')}`, 'scan')
    .option('--at <time>', 'when the inspection happens (ISO time); later than an extraction finds nothing')
    .option('--seed <seed>', 'random seed of the inspection', '1')
    .option('--json', 'print as JSON')
    .action(
      async (
        container: string,
        flags: { truth: string; kind: string; at?: string; seed: string; json?: boolean },
      ) => {
        if (!INSPECTION_KINDS.includes(flags.kind as InspectionKind)) {
          throw new Error(`--kind must be one of ${INSPECTION_KINDS.join(', ')}, not "${flags.kind}"`);
        }
        const truth = await readTruthFile(flags.truth);
        const kind = INSPECTION_KINDS.find((k) => k === flags.kind) ?? 'scan';
        const finding = inspect(
          truth,
          container,
          kind,
          deriveRng(flags.seed, 'inspect', container, kind),
          flags.at,
        );
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(finding)}\n`);
          return;
        }
        const what =
          finding.outcome === 'seizure'
            ? `: ${finding.massKg} kg cocaine in ${finding.packages} packages, ${finding.location}`
            : finding.location
              ? `: ${finding.location}`
              : '';
        process.stdout.write(`${finding.containerNumber} ${kind}: ${finding.outcome}${what}\n`);
      },
    );
}

function pct(n: number, d: number): string {
  return d === 0 ? '0%' : `${((100 * n) / d).toFixed(1)}%`;
}

async function checkOutput(dir: string): Promise<void> {
  const report = emptyReport();
  for (const file of readdirSync(dir).sort()) {
    if (file === 'truth.jsonl') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    if (file.endsWith('.edi')) checkEdifact(report, file, text);
    else if (file.endsWith('.jsonl')) await checkJson(report, file, text);
  }
  process.stdout.write(
    `ingest check: ${report.records} records, ${report.rejections.length} rejections, ${report.warnings.length} warnings\n`,
  );
  for (const r of report.rejections.slice(0, 20))
    process.stdout.write(`  ${r.file} ${r.position}: ${r.code} ${r.reason}\n`);
  if (report.rejections.length > 0) process.exitCode = 1;
}

/** The files to ingest from a simulation folder: the messages in one format (both hold the same traffic). */
function loadHint(dir: string, formats: readonly string[]): string {
  return formats.includes('edifact')
    ? join(dir, '*.edi')
    : ['port-calls.jsonl', 'consignments.jsonl', 'events.jsonl'].map((f) => join(dir, f)).join(' ');
}
