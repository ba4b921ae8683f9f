/**
 * `verify CONFIG.json --model DIR [--data FILE ...] [--eps E] [--bound ibp|crown|both]
 * [--iterations N] [--count N | --skip K --max M] [--batch B] [--pgd-steps N] [--seed S]
 * [--out FILE.json] [--per-input FILE.tsv] [--resume]`: paper 004's verification of a saved model with K
 * regular and M abstain outputs (src/core/verify/abstainVerification.ts) on the config's test set,
 * next to PGD with the abstain success rule (src/core/attacks/abstainPgd.ts, abstainErrorTable).
 *
 * K comes from the data (the 2-D dataset's classes, the image files' classes), M = the model's
 * outputs − K (the abstain classes are the outputs K..K+M−1, as IBP training with
 * training.ibp.abstainClasses = M builds them). The region is B(x, eps) = the l_inf ball ∩ the
 * config's training.box; eps defaults to the training attack's eps, the radius IBP training bounds.
 * Bounds: IBP (every layer type) and CROWN (MLPs only: dense + ReLU after an optional Flatten /
 * Normalize); the default is both where CROWN applies, else IBP.
 *
 * The inputs are verified in chunks of --batch, each chunk through verifyAbstain with batchSize =
 * --batch, so the verdicts are exactly those of one verifyAbstain call over all the inputs with
 * that batch size; Ctrl-C stops after the chunk in progress and the results of the finished
 * chunks are written (exit status 130). The per-input rows are appended as each chunk finishes:
 * under `npm run cli` tsx kills its child when that does not answer a relayed SIGINT within
 * ~60 ms (a long chunk is synchronous work on wasm), and the rows written so far survive that. The PGD table is one abstainErrorTable call over all the
 * inputs (its chunk seeds depend on the call), left out when interrupted.
 *
 * Writes the totals as JSON (--out, default stdout), the per-input verdicts as a tab-separated
 * table with --per-input, and a readable table on stderr.
 */
import * as tf from '@tensorflow/tfjs';
import { ABSTAIN_PGD_CHUNK, ABSTAIN_VERIFY_DEFAULTS, type AbstainErrorTable, type BoundMethod, type ExperimentConfig, type ImageExperimentConfig, abstainErrorTable, crownRefusal, isCancelled, makeDataset2d, verificationPlan, pickIndices, inputTensor } from '../../core';
import { type OptionSpec, type ParsedArgs, backendOption, cifar100LabelOption, configPath, parseCommandArgs, stringListOption, stringOption } from '../args';
import { CliError, EXIT } from '../errors';
import { type AnyExperimentConfig, readAnyConfig, readModelDir, writeResult, writeText } from '../files';
import { describeImageData, loadImageData, refuseDataFiles, requireDataFiles } from '../imageData';
import { checkImageModel } from '../imageSession';
import { initBackend, interruptSignal, roundTimes, status } from '../session';
import { type ChunkedVerification, verifyInChunks, warmUp } from '../verifyChunks';
import { appendText, logTable, perInputHeader, perInputRows, resumePerInput, roundMs, share } from '../verifyReport';
import { SHARD_OPTION, alignedShardOf, shardFlag } from '../shard';

export { verifyInChunks, type BoundRun, type ChunkedVerification, type ChunkOptions } from '../verifyChunks';
export { perInputHeader, perInputRows } from '../verifyReport';

/** PGD steps of the attack table when --pgd-steps is not given. */
export const VERIFY_PGD_STEPS = 20;
/** Inputs per verifyAbstain call when --batch is not given (verifyAbstain's own default). */
export const VERIFY_BATCH = 256;

export const VERIFY_USAGE = `Usage: npm run cli -- verify CONFIG.json --model DIR [--data FILE ...] [--eps E] [--bound ibp|crown|both] [--iterations N] [--count N | --skip K --max M] [--batch B] [--pgd-steps N] [--seed S] [--out FILE.json] [--per-input FILE.tsv] [--resume] [--shard i/N] [--backend wasm|cpu]

Paper 004's verification of a saved model with K regular and M abstain outputs on the config's
test set: an input x with label y is certified when every x' in B(x, eps) (the l_inf ball
intersected with the config's training.box) is provably classified as y or as an abstain class
(Theorem 1: the last layer kept exact, the simplex weights lambda optimised by mirror ascent,
Algorithm 1; M = 1 exactly). K is the number of classes of the data, M = the model's outputs - K
(abstain classes are the outputs K..K+M-1, as training with method "ibp" and
training.ibp.abstainClasses = M builds them). Next to it, PGD with the abstain success rule
(landing in an abstain class counts as detected, not as a success).

  --model DIR          the model: DIR/model.json + DIR/weights.bin (e.g. from train --save-model)
  --eps E              radius of the l_inf ball (default: the config's training attack eps)
  --bound NAME         ibp, crown or both (default: both for MLPs, ibp otherwise; CROWN
                       handles MLPs only: dense layers with ReLU after an optional Flatten)
  --iterations N       mirror-ascent iterations (default ${ABSTAIN_VERIFY_DEFAULTS.iterations})
  --count N            the first N test inputs (default: all 2-D test points; images: the
                       config's evaluation.count)
  --skip K             use every K-th test input (default 1); not with --count
  --max M              at most M inputs (default as --count); not with --count
  --batch B            inputs per verification batch (default ${VERIFY_BATCH})
  --pgd-steps N        steps of the PGD table (default ${VERIFY_PGD_STEPS}; 0 = no PGD table); l_inf,
                       step 2.5*eps/N, one random start, in the same box
  --seed S             seed of the PGD random start (default: the config's seed)
  --out FILE           write the totals JSON there (default: stdout)
  --per-input FILE     write the per-input verdicts there, tab-separated: idx label prediction
                       abstained certified_<b> verified_<b> margin_<b> (per bound b), then per
                       bound and target class t a column lambda_<b>_t<t>: the weights on
                       (y, a_1..a_M), comma-separated ("-" where t = y)
  --resume             continue an interrupted run from its --per-input FILE: the whole batches
                       in it are kept and the run goes on after them (same flags); the TSV and
                       the JSON end as an uninterrupted run's, all but the times
  --shard i/N          run only part i of N of the inputs: a contiguous block in whole chunks of
                       ${ABSTAIN_PGD_CHUNK} inputs (the PGD table's random starts are drawn per chunk), so that
                       "npm run cli -- merge" joins the parts' JSON (and their --per-input TSVs)
                       into what one run writes, all but the times
  --data FILE          image configs only, repeatable: the dataset files (as for train)
  --cifar100-label K   fine (default) or coarse, for CIFAR-100 files
  --backend NAME       wasm (default) or cpu

Standard error: the clean prediction is not y (an abstain output on a clean input is an error).
Verified error: the clean prediction is not y, or the certificate fails. Ctrl-C stops after the
batch in progress and writes the totals of the inputs finished so far (exit status 130); the
--per-input rows are written batch by batch as they finish, so they survive even a hard kill.`;

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  'cifar100-label': { type: 'string' },
  eps: { type: 'string' },
  bound: { type: 'string' },
  iterations: { type: 'string' },
  count: { type: 'string' },
  skip: { type: 'string' },
  max: { type: 'string' },
  batch: { type: 'string' },
  'pgd-steps': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  'per-input': { type: 'string' },
  resume: { type: 'boolean' },
  ...SHARD_OPTION,
} as const satisfies OptionSpec;

export type BoundChoice = 'ibp' | 'crown' | 'both';

interface Plan {
  eps: number;
  /** null: the default (both where CROWN applies, else ibp). */
  bound: BoundChoice | null;
  iterations: number;
  /** Which test inputs: every skip-th, at most max (null: the default count). */
  skip: number;
  max: number | null;
  batch: number;
  pgdSteps: number;
  seed: number;
  box: [number, number] | null;
}

/** The flags, checked; every problem named at once (exit status 2). */
function planOf(args: ParsedArgs, read: AnyExperimentConfig): Plan {
  const problems: string[] = [];
  const num = (name: string): number | undefined => {
    const text = stringOption(args, name);
    if (text === undefined) return undefined;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) {
      problems.push(`--${name} must be a number (got "${text}")`);
      return undefined;
    }
    return v;
  };
  const whole = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const v = num(name);
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) {
      problems.push(`--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'} (got ${v})`);
      return undefined;
    }
    return v;
  };
  const config = read.config;
  const eps = num('eps') ?? config.training.attack.eps;
  if (!(eps >= 0)) problems.push(`--eps must be a number >= 0 (got ${eps})`);
  const boundText = stringOption(args, 'bound');
  if (boundText !== undefined && !['ibp', 'crown', 'both'].includes(boundText)) problems.push(`--bound must be ibp, crown or both (got "${boundText}")`);
  const iterations = whole('iterations', 0, 100_000) ?? ABSTAIN_VERIFY_DEFAULTS.iterations;
  const count = whole('count', 1);
  const skip = whole('skip', 1);
  const max = whole('max', 1);
  if (stringOption(args, 'count') !== undefined && (stringOption(args, 'skip') !== undefined || stringOption(args, 'max') !== undefined)) {
    problems.push('--count N takes the first N inputs; give either --count or --skip/--max, not both');
  }
  const batch = whole('batch', 1, 1_000_000) ?? VERIFY_BATCH;
  const pgdSteps = whole('pgd-steps', 0, 100_000) ?? VERIFY_PGD_STEPS;
  const seed = whole('seed', 0) ?? config.seed;
  if (problems.length) throw new CliError(`verify: refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    eps,
    bound: (boundText as BoundChoice | undefined) ?? null,
    iterations,
    skip: skip ?? 1,
    max: count ?? max ?? null,
    batch,
    pgdSteps,
    seed,
    box: config.training.box,
  };
}

export interface VerifyInputs {
  model: tf.LayersModel;
  /** The test inputs (all of them; the selection is made by the caller). */
  x: tf.Tensor;
  labels: Int32Array;
  numClasses: number;
  dataset: unknown;
}

async function inputs2d(config: ExperimentConfig, dir: string): Promise<VerifyInputs> {
  const ds = makeDataset2d(config.data);
  const { model } = await readModelDir(dir);
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || inShape.length !== 2 || inShape[1] !== 2 || outShape.length !== 2 || (outShape[1] ?? 0) < ds.numClasses) {
    const shapes = `input shape [${inShape.map(String).join(', ')}], output shape [${outShape.map(String).join(', ')}]`;
    model.dispose();
    throw new CliError(`The model in ${dir} does not fit the config's dataset "${config.data.kind}": it has ${shapes}, but needs 2 inputs and at least ${ds.numClasses} outputs (K = ${ds.numClasses} classes + M abstain classes)`);
  }
  const n = ds.yTest.length;
  return { model, x: inputTensor({ x: ds.xTest, labels: ds.yTest, inputShape: [2] }), labels: ds.yTest, numClasses: ds.numClasses, dataset: { kind: config.data.kind, testPoints: n, numClasses: ds.numClasses } };
}

async function inputsImages(config: ImageExperimentConfig, args: ParsedArgs, dir: string): Promise<VerifyInputs> {
  const data = loadImageData(stringListOption(args, 'data'), config, cifar100LabelOption(args));
  const { model } = await readModelDir(dir);
  checkImageModel(model, dir, data);
  const t = data.test;
  return { model, x: inputTensor({ x: t.images, labels: t.labels, inputShape: t.shape }), labels: t.labels, numClasses: t.numClasses, dataset: describeImageData(data) };
}

/** The verdicts of one bound over the inputs finished, with the time they took. */
export async function verifyCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('verify', argv, OPTIONS);
  if (args.values.help) {
    process.stdout.write(VERIFY_USAGE + '\n');
    return EXIT.ok;
  }
  const path = configPath('verify', args);
  const modelDir = stringOption(args, 'model');
  const backendFlag = backendOption(args);
  const out = stringOption(args, 'out');
  const perInputPath = stringOption(args, 'per-input');
  const read = readAnyConfig(path);
  if (read.kind === 'image') requireDataFiles('verify', stringListOption(args, 'data'));
  else refuseDataFiles(stringListOption(args, 'data'), cifar100LabelOption(args));
  if (perInputPath === '-' && (!out || out === '-')) throw new CliError('verify: --per-input - and the JSON would both go to stdout; give --out FILE (or a file for --per-input)');
  const resume = args.values.resume === true;
  if (resume && (!perInputPath || perInputPath === '-')) throw new CliError('verify: --resume needs --per-input FILE: the per-input rows of the run to continue');
  if (!modelDir) throw new CliError('verify: --model DIR is required (save one with: npm run cli -- train CONFIG.json --save-model DIR)');
  const plan = planOf(args, read);
  const shard = shardFlag(args);

  const backend = await initBackend(backendFlag);
  const signal = interruptSignal();
  const t0 = performance.now();
  const inp = read.kind === 'image' ? await inputsImages(read.config, args, modelDir) : await inputs2d(read.config, modelDir);
  let x: tf.Tensor | null = null;
  try {
    const K = inp.numClasses;
    const C = inp.model.outputs[0].shape[inp.model.outputs[0].shape.length - 1] as number;
    const M = C - K;
    try {
      verificationPlan(inp.model);
    } catch (e) {
      throw new CliError(`verify: the model in ${modelDir} cannot be verified: ${e instanceof Error ? e.message : String(e)}`);
    }
    const total = inp.labels.length;
    if (total === 0) throw new CliError('verify: the test set is empty');
    const defaultMax = read.kind === 'image' ? read.config.evaluation.count : Infinity;
    const picked = pickIndices(total, plan.skip, plan.max ?? defaultMax);
    if (plan.max !== null && plan.skip === 1 && picked.length < plan.max) status.log(`note: asked for ${plan.max} inputs but the test set has ${total}; verifying all ${total}`);
    const part = alignedShardOf(picked, shard, ABSTAIN_PGD_CHUNK);
    const indices = part.items;
    if (shard) {
      if (indices.length === 0) throw new CliError(`verify: --shard ${shard.index}/${shard.count} has no inputs: the run's ${picked.length} inputs make ${Math.ceil(picked.length / ABSTAIN_PGD_CHUNK)} chunk(s) of ${ABSTAIN_PGD_CHUNK}; use at most that many shards`);
      status.log(`shard ${shard.index}/${shard.count}: inputs ${part.first + 1} to ${part.first + indices.length} of ${picked.length}`);
    }
    const labels = Int32Array.from(indices, (i) => inp.labels[i]);
    x = tf.tidy(() => tf.gather(inp.x, tf.tensor1d(indices, 'int32')));

    const refusal = crownRefusal(inp.model, x);
    if (refusal && (plan.bound === 'crown' || plan.bound === 'both')) {
      throw new CliError(`verify: --bound ${plan.bound} needs CROWN, which supports MLPs only (dense layers with ReLU after an optional Flatten / Normalize); use --bound ibp for this model.\n${refusal}`);
    }
    const choice: BoundChoice = plan.bound ?? (refusal ? 'ibp' : 'both');
    const bounds: BoundMethod[] = choice === 'both' ? ['ibp', 'crown'] : [choice];
    const boxText = plan.box ? `[${plan.box[0]}, ${plan.box[1]}]` : 'none';
    status.log(
      `verify: ${indices.length} inputs, K = ${K} classes, M = ${M} abstain classes, eps ${plan.eps} (l_inf, box ${boxText}), ` +
        `bound ${bounds.join(' + ')}, ${plan.iterations} iterations, backend ${backend}`,
    );

    // The totals JSON, from the inputs done so far: written at every chunk (as a checkpoint that
    // a kill leaves in place, marked interrupted) and once more at the end.
    const resultOf = (done: number, runs: ChunkedVerification['runs'], pgd: (AbstainErrorTable & { msPerInput: number }) | null, interrupted: boolean) => {
      const first = runs[bounds[0]]!.verdicts;
      const verification = Object.fromEntries(
        bounds.map((b) => {
          const run = runs[b]!;
          return [b, { verifiedError: run.verdicts.verifiedError, certified: share(run.verdicts.certified), nonFinite: run.verdicts.nonFinite, msPerInput: done ? roundMs(run.totalMs / done) : NaN, totalMs: Math.round(run.totalMs) }];
        }),
      );
      return {
        command: 'verify',
        ...(shard ? { shard: { index: shard.index, count: shard.count, first: part.first, of: picked.length } } : {}),
        config: read.config,
        backend,
        dataset: inp.dataset,
        model: { source: 'loaded', dir: modelDir, outputs: C, crown: refusal === null },
        n: done,
        selected: indices.length,
        K,
        M,
        eps: plan.eps,
        norm: 'linf',
        box: plan.box,
        bounds,
        iterations: plan.iterations,
        batch: plan.batch,
        standardError: first.standardError,
        abstainClean: first.abstainClean,
        verification,
        pgd: pgd
          ? {
              steps: plan.pgdSteps,
              stepSize: (2.5 * plan.eps) / plan.pgdSteps,
              restarts: 1,
              seed: plan.seed,
              n: pgd.n,
              standardError: pgd.standardError,
              pgdError: pgd.pgdError,
              detected: pgd.detected,
              detectedPerClass: pgd.detectedPerClass,
              attackSuccess: pgd.attackSuccess,
              abstainClean: pgd.abstainClean,
              msPerInput: roundMs(pgd.msPerInput),
            }
          : null,
        interrupted,
        timing: roundTimes({ totalMs: performance.now() - t0 }),
      };
    };

    // One untimed input per bound first, so the times per input leave out the first call's
    // one-off costs (kernel set-up, memory growth), which would fall on the first bound alone.
    await warmUp(inp.model, x, labels, plan.eps, bounds, K, plan.box);
    const resumed = resume && perInputPath ? resumePerInput(perInputPath, bounds, K, indices, labels, plan.batch) : undefined;
    if (resumed) status.log(`--resume: ${resumed.done} of ${indices.length} inputs kept from ${perInputPath}`);
    else if (perInputPath) writeText(perInputHeader(bounds, K), perInputPath);
    const tv = performance.now();
    const res = await verifyInChunks(inp.model, x, labels, plan.eps, bounds, {
      numClasses: K,
      box: plan.box,
      iterations: plan.iterations,
      batch: plan.batch,
      signal,
      resume: resumed,
      onChunk: (done, n, chunk) => {
        // The rows go out as their chunk finishes, so they survive even a hard kill.
        if (perInputPath) appendText(perInputRows(indices, labels, chunk.start, chunk.verdicts, bounds), perInputPath);
        if (out && out !== '-') writeResult(resultOf(done, chunk.runs(), null, true), out);
        const elapsed = performance.now() - tv;
        status.update(`verifying (${bounds.join(' + ')}): ${done}/${n} inputs, ${(elapsed / 1000).toFixed(1)}s`);
      },
    });
    status.done();
    let interrupted = res.interrupted;

    let pgd: (AbstainErrorTable & { msPerInput: number }) | null = null;
    const pgdOptions = { norm: 'linf' as const, eps: plan.eps, numClasses: K, steps: plan.pgdSteps, stepSize: 0, restarts: 1, randomStart: true, box: plan.box, seed: plan.seed };
    if (plan.pgdSteps > 0 && !interrupted) {
      const y = tf.tensor1d(labels, 'int32');
      const tp = performance.now();
      try {
        const table = await abstainErrorTable(inp.model, x, y, pgdOptions, { signal, firstChunk: part.first / ABSTAIN_PGD_CHUNK, onProgress: (f) => status.update(`PGD-${plan.pgdSteps}: ${(100 * f).toFixed(0)}%`) });
        pgd = { ...table, msPerInput: (performance.now() - tp) / labels.length };
      } catch (e) {
        if (isCancelled(e)) interrupted = true;
        else if (e instanceof Error && /outside the input box/.test(e.message)) throw new CliError(`verify: ${e.message}`);
        else throw e;
      } finally {
        y.dispose();
        status.done();
      }
    }

    const done = res.done;
    if (done > 0) logTable(res, bounds, pgd, plan.pgdSteps);
    if (perInputPath && perInputPath !== '-') status.log(`wrote ${perInputPath}`);
    writeResult(resultOf(done, res.runs, pgd, interrupted), out);
    if (out) status.log(`wrote ${out}`);
    if (interrupted) {
      status.log(`Interrupted: the results hold the ${done} of ${indices.length} inputs verified before the interruption${pgd ? '' : '; no PGD table'}.`);
      return EXIT.cancelled;
    }
    return EXIT.ok;
  } finally {
    x?.dispose();
    inp.x.dispose();
    inp.model.dispose();
  }
}
