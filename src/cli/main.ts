/**
 * The workbench's command line: `npm run cli -- <command> CONFIG.json [options]` (node --import
 * tsx: one process, so Ctrl-C reaches the CLI itself and it writes what it finished). Runs
 * the same experiment configs as the page through the same core calls (src/core), in Node on
 * the tfjs WASM backend; `inspect FILE` summarises a dataset file (no tfjs). A config with
 * "kind": "image" runs on dataset files given with --data (./commands/*Images.ts). One file per
 * command in ./commands; file access in ./files.ts and ./datasetFiles.ts.
 */
import { CliError, EXIT } from './errors';
import { status } from './status';
import { MAIN_USAGE } from './usage';

type Command = (argv: string[]) => Promise<number>;

/** Loaded on demand: tfjs is imported only when a command runs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./commands/train')).trainCommand,
  attack: async () => (await import('./commands/attack')).attackCommand,
  evaluate: async () => (await import('./commands/evaluate')).evaluateCommand,
  'evaluate-rejection': async () => (await import('./commands/evaluateRejection')).evaluateRejectionCommand,
  certify: async () => (await import('./commands/certify')).certifyCommand,
  predict: async () => (await import('./commands/certify')).predictCommand,
  verify: async () => (await import('./commands/verify')).verifyCommand,
  inspect: async () => (await import('./commands/inspect')).inspectCommand,
  arena: async () => (await import('./commands/arena')).arenaCommand,
  merge: async () => (await import('./commands/merge')).mergeCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(MAIN_USAGE + '\n');
    return EXIT.usage;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    if (rest[0] && COMMANDS[rest[0]]) return (await COMMANDS[rest[0]]())(['--help']);
    process.stdout.write(MAIN_USAGE + '\n');
    return EXIT.ok;
  }
  const load = COMMANDS[command];
  if (!load) throw new CliError(`Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run with --help for usage.`);
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    status.done();
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`error: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.failure;
    }
  },
);
