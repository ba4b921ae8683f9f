/**
 * The entry of the commands that run an experiment config (train, attack, evaluate): parse the
 * arguments, print the usage on --help, read the config and run it. A 2-D config generates its
 * points; an image config reads the --data files. That is the only fork between the two, made
 * here once; below it each command's two paths share the core's one training and attack path.
 */
import type { ExperimentConfig, ImageExperimentConfig } from '../core';
import { type OptionSpec, type ParsedArgs, RUN_OPTIONS, type RunOptions, configPath, parseCommandArgs, runOptions } from './args';
import { EXIT } from './errors';
import { readAnyConfig } from './files';
import { refuseDataFiles, requireDataFiles } from './imageData';

export interface DataCommand<E> {
  name: string;
  usage: string;
  /** Options besides RUN_OPTIONS. */
  options: OptionSpec;
  /** The command's own option values, read before the config. */
  extra: (args: ParsedArgs) => E;
  points: (config: ExperimentConfig, opts: RunOptions, extra: E) => Promise<number>;
  images: (config: ImageExperimentConfig, opts: RunOptions, extra: E) => Promise<number>;
}

export async function runDataCommand<E>(command: DataCommand<E>, argv: string[]): Promise<number> {
  const args = parseCommandArgs(command.name, argv, { ...RUN_OPTIONS, ...command.options });
  if (args.values.help) {
    process.stdout.write(command.usage + '\n');
    return EXIT.ok;
  }
  const path = configPath(command.name, args);
  const opts = runOptions(args);
  const extra = command.extra(args);
  const read = readAnyConfig(path);
  if (read.kind === 'image') {
    requireDataFiles(command.name, opts.data);
    return command.images(read.config, opts, extra);
  }
  refuseDataFiles(opts.data, opts.cifar100Label);
  return command.points(read.config, opts, extra);
}
