/**
 * Command-line parsing shared by the commands: node:util's parseArgs in strict mode, with its
 * errors turned into CliErrors (exit status 2) that name the command.
 */
import { parseArgs } from 'node:util';
import { CliError } from './errors';
import { applyLimitFlags } from './limits';
import { checkWritable } from './outPath';
import { cliThreads, threadsProblem } from './wasmThreads';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'max-file-mb': { type: 'string' },
  'max-params': { type: 'string' },
  threads: { type: 'string' },
} as const satisfies OptionSpec;

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;

export interface ParsedArgs {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    parsed = { values: { ...values } as ParsedArgs['values'], positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CliError(`${command}: ${msg}\nRun "npm run cli -- ${command} --help" for the options.`);
  }
  applyLimitFlags(parsed.values);
  applyThreadsFlag(parsed.values);
  return parsed;
}

/** Applies --threads N (the wasm backend's thread count) when given; anything but 1..8 is refused by name. */
function applyThreadsFlag(values: Record<string, unknown>): void {
  const v = values.threads;
  if (typeof v !== 'string') return;
  const count = v.trim() === '' ? NaN : Number(v);
  const problem = threadsProblem('--threads', count, `"${v}"`);
  if (problem) throw new CliError(problem);
  cliThreads.count = count;
}

/** The single CONFIG.json positional argument of a command. */
export function configPath(command: string, args: ParsedArgs): string {
  if (args.positionals.length === 0) throw new CliError(`${command}: missing the experiment config (CONFIG.json).\nRun "npm run cli -- ${command} --help" for usage.`);
  if (args.positionals.length > 1) throw new CliError(`${command}: expected one config file, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
  return args.positionals[0];
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** The --backend flag, checked against the backends that exist in Node. */
export function backendOption(args: ParsedArgs): string | undefined {
  const b = stringOption(args, 'backend');
  if (b !== undefined && !(NODE_BACKENDS as readonly string[]).includes(b)) {
    throw new CliError(`--backend must be one of ${NODE_BACKENDS.join(', ')} (got "${b}")`);
  }
  return b;
}

/** A repeatable string option (e.g. --data FILE --data FILE2), in the order given. */
export function stringListOption(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export const OUTPUT_FORMATS = ['json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The --format flag: json (default) or csv. */
export function formatOption(args: ParsedArgs): OutputFormat {
  const f = stringOption(args, 'format') ?? 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new CliError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${f}")`);
  return f as OutputFormat;
}

/** The --cifar100-label flag: which CIFAR-100 label a train.bin/test.bin record gives. */
export function cifar100LabelOption(args: ParsedArgs): 'fine' | 'coarse' | undefined {
  const label = stringOption(args, 'cifar100-label');
  if (label !== undefined && label !== 'fine' && label !== 'coarse') throw new CliError(`--cifar100-label must be fine or coarse (got "${label}")`);
  return label;
}

/** Options of train, attack and evaluate beyond --out: image data files and the output format. */
export const RUN_OPTIONS = {
  out: { type: 'string' },
  format: { type: 'string' },
  data: { type: 'string', multiple: true },
  'cifar100-label': { type: 'string' },
} as const satisfies OptionSpec;

/** The options of train, attack and evaluate that every kind of config shares. */
export interface RunOptions {
  out: string | undefined;
  format: OutputFormat;
  /** --data files (image configs only). */
  data: string[];
  cifar100Label: 'fine' | 'coarse' | undefined;
  backend: string | undefined;
}

export function runOptions(args: ParsedArgs): RunOptions {
  const out = stringOption(args, 'out');
  // Refused now rather than after the whole run.
  checkWritable(out);
  return {
    out,
    format: formatOption(args),
    data: stringListOption(args, 'data'),
    cifar100Label: cifar100LabelOption(args),
    backend: backendOption(args),
  };
}

/** Help text for the options in RUN_OPTIONS (the commands' usage ends with it). */
export const RUN_OPTIONS_USAGE = `  --out FILE           write the result there (default: print it to stdout)
  --format json|csv    json (default): the whole result; csv: one row per test point (image)
                       with a header row, the metrics only on stderr
  --data FILE          image configs ("kind": "image") only, repeatable: the dataset files,
                       CIFAR-10 data_batch_N.bin / test_batch.bin, CIFAR-100 train.bin /
                       test.bin, IDX images + labels (MNIST, Fashion-MNIST), each may be .gz.
                       Names with "test" or "t10k" are the test set; without one the last 20%
                       of the training records are held out
  --cifar100-label K   fine (100 classes, default) or coarse (20) for CIFAR-100 files
  --backend NAME       wasm (default) or cpu (30-60x slower)
  --threads N          wasm's threads, 1 to 8 (default 1; more pays on large batches)`;
