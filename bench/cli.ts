/**
 * What the two Node benchmarks (bench/run.ts on wasm/cpu, bench/gpu.ts on WebGPU) share on the
 * command line: option parsing with the same errors and exit status, the comma-separated lists,
 * and one case timed with its progress on stderr, so that both print a case the same way.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type BenchOptions, type BenchResult, runBenchCase } from '../src/core/bench/suite';
import { fmtMs } from './table';

/** Prints the message and the usage on stderr and exits with status 2 (bad arguments). */
export function fail(usage: string, message: string): never {
  process.stderr.write(`error: ${message}\n\n${usage}\n`);
  process.exit(2);
}

/** The parsed options (plus --help / -h), or null when --help printed the usage. */
export function parseCommandLine<T>(usage: string, options: NonNullable<ParseArgsConfig['options']>): T | null {
  let values: T & { help?: boolean };
  try {
    values = parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as T & { help?: boolean };
  } catch (e) {
    fail(usage, e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    console.log(usage);
    return null;
  }
  return values;
}

/** A comma-separated list from `allowed` (`fallback` when not given); exits on an unknown item. */
export function parseList(usage: string, value: string | undefined, allowed: readonly string[], what: string, fallback: readonly string[] = allowed): string[] {
  if (value === undefined) return [...fallback];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s));
  if (bad.length || items.length === 0) fail(usage, `unknown ${what}: ${bad.join(', ') || '(none given)'}; choose from ${allowed.join(', ')}`);
  return items;
}

/** A whole number >= 1 from --repeats (or the option named `flag`); exits otherwise. */
export function parseRepeats(usage: string, value: string | undefined, fallback: number, flag = '--repeats'): number {
  const repeats = value !== undefined ? Number(value) : fallback;
  if (!Number.isInteger(repeats) || repeats < 1) fail(usage, `${flag} must be a whole number >= 1 (got "${value}")`);
  return repeats;
}

/**
 * Times case `id` with runBenchCase, writing `${heading}: ` and then the warm-up and each run's
 * time on stderr as they come (or why it failed). A leak is reported as `${id}${where} left N
 * tensors` and counted in `problems`, as is a failure.
 */
export async function timeCase(id: string, heading: string, where: string, options: BenchOptions): Promise<{ result: BenchResult; problems: number } | { error: string; problems: number }> {
  const warmup = options.warmup ?? true;
  process.stderr.write(`${heading}: ${warmup ? '' : 'runs'}`);
  try {
    const result = await runBenchCase(id, {
      ...options,
      warmup,
      onProgress: (p) => process.stderr.write(p.phase === 'warmup' ? `warm-up ${fmtMs(p.lastMs)} ms; runs` : ` ${fmtMs(p.lastMs)}`),
    });
    process.stderr.write(` ms\n`);
    if (result.tensorsLeaked === 0) return { result, problems: 0 };
    process.stderr.write(`  ASSERTION FAILED: ${id}${where} left ${result.tensorsLeaked} tensors (${result.tensorsBefore} -> ${result.tensorsAfter})\n`);
    return { result, problems: 1 };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    process.stderr.write(`failed: ${error}\n`);
    return { error, problems: 1 };
  }
}
