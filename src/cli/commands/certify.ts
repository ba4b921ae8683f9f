/**
 * `certify` and `predict`: Cohen et al.'s CERTIFY and PREDICT on the test set of a config's data,
 * with the parameters of their certify.py / predict.py (--sigma, --n0, --n, --alpha, --batch,
 * --skip, --max), writing their tab-separated log (src/core/certify/log.ts) so the result plots
 * next to logs certified elsewhere. A summary (certified accuracy at a few radii, ACR) goes to
 * stderr. 2-D configs use the test points; image configs the test images of the --data files.
 */
import * as tf from '@tensorflow/tfjs';
import { type ParsedArgs, RUN_OPTIONS, configPath, parseCommandArgs, runOptions, stringOption } from '../args';
import { CliError, EXIT } from '../errors';
import { readAnyConfig } from '../files';
import { openRowLog } from '../rowLog';
import { SHARD_OPTION, SHARD_USAGE, shardFlag, shardOf } from '../shard';
import { loadImageData, refuseDataFiles, requireDataFiles } from '../imageData';
import { obtainImageModel } from '../imageSession';
import { formatDuration, initBackend, interruptSignal, obtainModel, status } from '../session';
import { SMOOTHING_DEFAULTS, type SmoothingOptions, smoothingProblems, pickIndices, runSmoothingOnSet, modelClassifier, averageCertifiedRadius, certifiedAccuracyTable, inputTensor, checkBatchFits } from '../../core';

const usage = (mode: 'certify' | 'predict') => `Usage: npm run cli -- ${mode} CONFIG.json --sigma S [--model DIR] [--data FILE ...] [options]

${mode === 'certify' ? "Cohen et al.'s CERTIFY" : "Cohen et al.'s PREDICT"} of the Gaussian-smoothed model on the config's test set,
one input after the other, writing the tab-separated log of their ${mode}.py:
  ${mode === 'certify' ? 'idx  label  predict  radius  correct  time' : 'idx  label  predict  correct  time'}
(predict −1 = abstain). A summary goes to stderr.

  --sigma S        noise level (required; the level the model was trained at)
${mode === 'certify' ? `  --n0 N           samples to pick the top class (default ${SMOOTHING_DEFAULTS.n0})\n` : ''}  --n N            samples to ${mode === 'certify' ? 'estimate its probability' : 'test the top class'} (default ${SMOOTHING_DEFAULTS.n})
  --alpha A        failure probability (default ${SMOOTHING_DEFAULTS.alpha})
  --batch B        noisy copies per forward pass (default ${SMOOTHING_DEFAULTS.batchSize})
  --skip K         use every K-th test input (default 1)
  --max M          at most M inputs (default: all)
  --seed S         seed of the noise (default ${SMOOTHING_DEFAULTS.seed}; input i uses a seed derived from S and i)
${SHARD_USAGE}
  --model DIR      the base classifier (model.json + weights.bin); without it one is trained
                   from the config first
  --data FILE      image configs: the dataset files (repeatable), as for train
  --out FILE       write the log there (default: stdout); each row is written as its input is
                   done, so an interruption keeps every finished row
  --resume         continue the log in --out FILE after an interruption, with the same flags:
                   the inputs already there are skipped, and the log ends as an uninterrupted
                   run's would (all but the time column)
  --backend NAME   wasm (default) or cpu`;

const SMOOTHING_FLAGS = { ...SHARD_OPTION, resume: { type: 'boolean' }, sigma: { type: 'string' }, n0: { type: 'string' }, n: { type: 'string' }, alpha: { type: 'string' }, batch: { type: 'string' }, skip: { type: 'string' }, max: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' } } as const;

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new CliError(`--${name} must be a number (got "${text}")`);
  return v;
}

/** The smoothing options of the flags, checked (exit status 2 with every problem named). */
export function smoothingFlags(args: ParsedArgs): { options: SmoothingOptions; skip: number; max: number } {
  const sigma = numberFlag(args, 'sigma');
  if (sigma === undefined) throw new CliError('--sigma is required: the noise level of the smoothed classifier (e.g. --sigma 0.25)');
  const options: SmoothingOptions = {
    sigma,
    n0: numberFlag(args, 'n0') ?? SMOOTHING_DEFAULTS.n0,
    n: numberFlag(args, 'n') ?? SMOOTHING_DEFAULTS.n,
    alpha: numberFlag(args, 'alpha') ?? SMOOTHING_DEFAULTS.alpha,
    batchSize: numberFlag(args, 'batch') ?? SMOOTHING_DEFAULTS.batchSize,
    seed: numberFlag(args, 'seed') ?? SMOOTHING_DEFAULTS.seed,
  };
  const problems = smoothingProblems(options);
  const skip = numberFlag(args, 'skip') ?? 1;
  const max = numberFlag(args, 'max') ?? Infinity;
  if (!(Number.isInteger(skip) && skip >= 1)) problems.push(`skip must be a whole number ≥ 1 (got ${skip})`);
  if (!(max === Infinity || (Number.isInteger(max) && max >= 1))) problems.push(`max must be a whole number ≥ 1 (got ${max})`);
  if (problems.length) throw new CliError(`Refused: ${problems.join('; ')}.`);
  return { options, skip, max };
}

interface TestSet {
  model: tf.LayersModel;
  x: tf.Tensor;
  labels: Int32Array;
}

async function testSetOf(args: ParsedArgs, command: string, signal: AbortSignal): Promise<TestSet> {
  const opts = runOptions(args);
  const read = readAnyConfig(configPath(command, args));
  const modelDir = stringOption(args, 'model');
  await initBackend(opts.backend);
  if (read.kind === 'image') {
    const data = loadImageData(requireDataFiles(command, opts.data), read.config, opts.cifar100Label);
    const { model } = await obtainImageModel(read.config, data, modelDir, signal, command);
    const t = data.test;
    return { model, x: inputTensor({ x: t.images, labels: t.labels, inputShape: t.shape }), labels: t.labels };
  }
  refuseDataFiles(opts.data, opts.cifar100Label);
  const { model, dataset } = await obtainModel(read.config, modelDir, signal, command);
  return { model, x: inputTensor({ x: dataset.xTest, labels: dataset.yTest, inputShape: [2] }), labels: dataset.yTest };
}

const SUMMARY_RADII = [0, 0.25, 0.5, 0.75, 1];

async function runSmoothingCommand(mode: 'certify' | 'predict', argv: string[]): Promise<number> {
  const args = parseCommandArgs(mode, argv, { ...RUN_OPTIONS, ...SMOOTHING_FLAGS });
  if (args.values.help) {
    process.stdout.write(usage(mode) + '\n');
    return EXIT.ok;
  }
  if (args.values.format !== undefined) throw new CliError(`${mode} writes the tab-separated log of Cohen et al.'s code; --format does not apply`);
  const { options, skip, max } = smoothingFlags(args);
  const shard = shardFlag(args);
  if (shard && stringOption(args, 'model') === undefined) {
    status.log(`note: --shard without --model: this shard trains the config's model first (every shard trains the same one, from the config's seed on one backend); train it once with "train --save-model DIR" and pass --model DIR`);
  }
  // Opened before the model is loaded or trained: an unwritable --out is refused at once.
  const log = openRowLog(stringOption(args, 'out'), mode, args.values.resume === true);
  const signal = interruptSignal();
  const { model, x, labels } = await testSetOf(args, mode, signal);
  try {
    const base = modelClassifier(model);
    try {
      checkBatchFits(base.bytesPerCopy, Math.min(options.batchSize, options.n));
    } catch (e) {
      throw new CliError(`--batch ${options.batchSize}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const finished = new Set(log.done.map((r) => r.idx));
    // Input i's noise comes from a seed derived from --seed and i, so a shard's rows are those of one run.
    const picked = shardOf(pickIndices(labels.length, skip, max), shard);
    if (shard) status.log(`shard ${shard.index}/${shard.count}: ${picked.length} inputs${picked.length ? `, test indices ${picked[0]} to ${picked[picked.length - 1]}` : ''}`);
    const indices = picked.filter((i) => !finished.has(i));
    if (log.done.length) status.log(`--resume: ${log.done.length} inputs already in the log; ${indices.length} to go`);
    const t0 = performance.now();
    status.log(`${mode}: ${indices.length} inputs, sigma ${options.sigma}, ${mode === 'certify' ? `n0 ${options.n0}, ` : ''}n ${options.n}, alpha ${options.alpha}`);
    const result = await runSmoothingOnSet(mode, base, x, labels, indices, options, {
      signal,
      onRow: (row) => log.write(row),
      onProgress: (f) => {
        const elapsed = performance.now() - t0;
        status.update(`${mode}: ${(100 * f).toFixed(1)}%  ${formatDuration(elapsed)} elapsed, ~${formatDuration(f > 0 ? (elapsed * (1 - f)) / f : NaN)} left`);
      },
    });
    status.done();
    const rows = [...log.done, ...result.rows];
    const abstained = rows.filter((r) => r.predict < 0).length;
    const correct = rows.filter((r) => r.correct === 1).length;
    const lost = rows.reduce((n, r) => n + (r.votesLost ?? 0), 0);
    status.log(`${rows.length} inputs: ${correct} correct, ${abstained} abstained, ${rows.length - correct - abstained} wrong${lost ? `; ${lost} noisy draws lost to a non-finite forward pass (each voted for no class)` : ''}`);
    if (mode === 'certify') {
      const table = certifiedAccuracyTable(rows, SUMMARY_RADII);
      status.log(`certified accuracy: ${SUMMARY_RADII.map((r, i) => `r=${r}: ${(100 * table[i]).toFixed(1)}%`).join('  ')}`);
      status.log(`ACR ${averageCertifiedRadius(rows).toFixed(4)}`);
    }
    if (result.cancelled) {
      status.log(`Interrupted: the log holds the ${rows.length} inputs finished before the interruption.`);
      return EXIT.cancelled;
    }
    return EXIT.ok;
  } finally {
    log.close();
    model.dispose();
    x.dispose();
  }
}

export const certifyCommand = (argv: string[]) => runSmoothingCommand('certify', argv);
export const predictCommand = (argv: string[]) => runSmoothingCommand('predict', argv);
