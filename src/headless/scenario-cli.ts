/**
 * npm run scenario -- <file.yaml> [--seed N] [--out trace.jsonl] [--in-process]
 *
 * Runs the scenario at maximum speed. With --out, the trace goes to that file and each step's
 * output to stdout; without it, the trace goes to stdout and the step outputs to stderr.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { ScenarioError } from '../machinery/scenario/scenario.ts';
import { runScenario } from './run-scenario.ts';

function usage(msg: string): never {
  process.stderr.write(
    `error: ${msg}\nusage: npm run scenario -- <file.yaml> [--seed N] [--out trace.jsonl] [--in-process]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let file: string | undefined;
  let seed: number | undefined;
  let out: string | undefined;
  let inProcess = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--seed') {
      const v = argv[++i];
      if (!v || !/^\d+$/.test(v)) usage(`--seed needs a non-negative integer, got ${JSON.stringify(v)}`);
      seed = Number(v);
    } else if (a === '--out') {
      out = argv[++i];
      if (!out) usage('--out needs a file name');
    } else if (a === '--in-process') inProcess = true;
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else if (file) usage(`only one scenario file, got ${file} and ${a}`);
    else file = a;
  }
  if (!file) usage('a scenario file is required');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    usage(`cannot read ${file}: ${(e as Error).message}`);
  }
  const sink = out ? createWriteStream(out) : process.stdout;
  const report = out ? process.stdout : process.stderr;
  try {
    const run = await runScenario(text, {
      ...(seed !== undefined ? { seed } : {}),
      placement: inProcess ? 'in-process' : 'threads',
      onRecord: (line) => sink.write(`${line}\n`),
    });
    for (const r of run.results) report.write(`# ${r.step}  (t=${r.at}ms)\n${r.output}`);
    report.write(`# ${run.trace.length} trace records, seed ${run.seed}\n`);
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`${file}:${e.line}:${e.col}: ${e.message.replace(/^line \d+, column \d+: /, '')}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (out) await new Promise<void>((r) => (sink as ReturnType<typeof createWriteStream>).end(r));
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
