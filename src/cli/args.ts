/**
 * Command-line parsing shared by the commands: node:util's parseArgs in strict mode, with its
 * errors turned into CliErrors (exit status 2) that name the command.
 */
import { parseArgs } from 'node:util';
import { CliError } from './errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: { ...values } as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CliError(`${command}: ${msg}\nRun "npm run cli -- ${command} --help" for the options.`);
  }
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
