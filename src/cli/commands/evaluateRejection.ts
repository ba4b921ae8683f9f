/**
 * `evaluate-rejection CONFIG.json --model DIR [--data FILE ...] [--count N] [--temperature T]
 * [--xi X] [--eta E] [--attack-temperature T] [--tpr P] [--adaptive LIST] [--eval-config FILE] [--per-input] [--out FILE [--resume]]`:
 * paper 000's rejection evaluation (Section 6; src/core/experiments/rconRejectionEval.ts) of a saved
 * model on the first N test inputs of the config's data: per setting (clean, PGD l_inf at two
 * eps, PGD l_2, adaptive attacks) and per rejector score (confidence, energy, and with the model's
 * heads R-Con or SelectiveNet's g), the accuracy, TPR-95 accuracy, ROC-AUC and accuracy–coverage
 * curve, and for RR models the coupled rejector of Theorem 1. Writes the metrics JSON; a short
 * table goes to stderr. With --out, each finished setting is saved at once (rejectionSetLog.ts)
 * and the JSON rewritten with the settings so far (marked interrupted until the run completes),
 * so an interrupted run keeps them and --resume goes on after them. 2-D configs generate their data; image configs read the --data files.
 */
import * as tf from '@tensorflow/tfjs';
import { type ExperimentConfig, type ImageExperimentConfig, imageTensors, isCancelled, makeDataset2d, subsetFirst, modelHeads, evaluateRejection, type RejectionEvaluation, REJECTION_EVAL_OBJECTIVES, type RejectionEvalConfig, type RejectionEvalDataKind, defaultRejectionEvalConfig, parseRejectionEvalConfig, rejectionEvalErrorList, validateRejectionEvalConfig, withAdaptiveObjectives, inputTensor, rejectionEvalModelProblems, rejectionMetrics, rejectorFooting, rejectorScoresOf, type ScoredSet, DEFAULT_CHUNK } from '../../core';
import { type ParsedArgs, type OptionSpec, cifar100LabelOption, configPath, parseCommandArgs, stringListOption, stringOption, backendOption } from '../args';
import { CliError, EXIT } from '../errors';
import { type AnyExperimentConfig, loadModelDir, parseJsonText, readAnyConfig, readModelDir, readTextFile, writeResult } from '../files';
import { describeImageData, loadImageData, refuseDataFiles, requireDataFiles } from '../imageData';
import { checkImageModel } from '../imageSession';
import { openSetLog, setLogPath } from '../rejectionSetLog';
import { perInputOf } from '../rejectionPerInput';
import { initBackend, interruptSignal, roundTimes, status } from '../session';
import { SHARD_OPTION, alignedShardOf, shardFlag } from '../shard';

export const EVALUATE_REJECTION_USAGE = `Usage: npm run cli -- evaluate-rejection CONFIG.json --model DIR [--data FILE ...] [--count N] [--temperature T] [--xi X] [--eta E] [--attack-temperature T] [--tpr P] [--adaptive LIST] [--eval-config FILE] [--per-input] [--out FILE [--resume]] [--batch B] [--shard i/N] [--backend wasm|cpu]

Paper 000's rejection evaluation of a saved model (Rectified Rejection, SelectiveNet or a plain
classifier) on the first N test inputs of the config's data (an image config: the --data files).
For each setting - clean inputs, PGD-10 l_inf at two eps, PGD-10 l_2, and the adaptive attack
CE + eta*log R-Con - and each rejector score the model offers (confidence and energy always,
R-Con with an RR head, the selection g with a SelectiveNet head): the accuracy on all inputs,
the TPR-95 accuracy (accuracy on the inputs kept when 95% of the correct ones are kept), the
ROC-AUC of the score separating correct from wrong, and the accuracy-coverage curve; for RR
models also the coupled rejector of Theorem 1 (Con > 1/(2-xi), then R-Con >= 1/2) as counts.
Images in [0, 1] use eps 8/255, 16/255 (l_inf) and 128/255 (l_2); 2-D data 0.1, 0.2 and 0.2.

  --model DIR          the model: DIR/model.json + DIR/weights.bin (e.g. from train --save-model)
  --count N            test inputs to evaluate, the first N (default: images evaluation.count
                       of the config, 2-D all test points up to 1000)
  --temperature T      softmax temperature at which Con and R-Con are read (default: the
                       model's RR training temperature recorded in model.json, else 1)
  --xi X               xi of the coupled rejector, in [0, 1) (default 0.2)
  --tpr P              share of the correct inputs the TPR threshold keeps, in (0, 1] (default 0.95)
  --eta E              weight of the rejector term of every adaptive attack (default 1)
  --attack-temperature T
                       softmax temperature of R-Con inside every adaptive attack's objective
                       (default: the temperature the scores are read at, see --temperature;
                       1 is the authors' attack, which reads softmax(z) whatever the training τ)
  --adaptive LIST      the adaptive objectives to run, comma-separated, "all" or "none":
                       ${REJECTION_EVAL_OBJECTIVES.join(', ')} (default ce-logrcon)
  --seed S             seed of the attacks' random starts (default: the config's seed)
  --eval-config FILE   a JSON rejection-evaluation config (count, temperature, tpr, xi, seed,
                       settings: [{id, label, kind: clean|pgd|adaptive, norm: linf|l2, eps,
                       steps, restarts, objective, eta, stepSize}]); the flags above override it
  --per-input          also write the per-input arrays (predictions, correct, scores, logits,
                       auxiliary/selection logits) of every setting; floats in their
                       shortest exact form, non-finite ones as "NaN", "Infinity", "-Infinity"
  --batch B            inputs per attack chunk (default: the attacks' own, 8192 on WASM); each
                       chunk draws its random starts from its index, so runs compared with
                       each other (a single run and its shards) need the same B
  --shard i/N          run only part i of N of the inputs, in whole chunks of --batch inputs;
                       the JSON then holds the per-input arrays, and "npm run cli -- merge"
                       computes the metrics of all the parts' inputs together, as one run
  --data FILE          image configs only, repeatable: the dataset files (as for train)
  --cifar100-label K   fine (default) or coarse, for CIFAR-100 files
  --out FILE           write the JSON there (default: stdout). It is rewritten after every
                       setting (marked "interrupted": true until the run completes), and the
                       finished settings' per-input arrays go to FILE.sets.jsonl as each
                       finishes (removed at the end), so Ctrl-C or a crash keeps them
  --resume             continue an interrupted run from FILE.sets.jsonl, with the same flags:
                       the finished settings are kept, the others run, and FILE ends as an
                       uninterrupted run's, all but the times
  --backend NAME       wasm (default) or cpu

Adaptive attacks read R-Con, so they need an RR model; on other models they are skipped (and
listed under "skipped"), and confidence and energy are still reported.`;

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  'cifar100-label': { type: 'string' },
  count: { type: 'string' },
  temperature: { type: 'string' },
  xi: { type: 'string' },
  tpr: { type: 'string' },
  eta: { type: 'string' },
  'attack-temperature': { type: 'string' },
  adaptive: { type: 'string' },
  seed: { type: 'string' },
  'eval-config': { type: 'string' },
  'per-input': { type: 'boolean' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  batch: { type: 'string' },
  ...SHARD_OPTION,
} as const satisfies OptionSpec;

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliError(`evaluate-rejection: --${name} must be a number (got "${text}")`);
  return v;
}

type TemperatureSource = 'flag' | 'eval-config' | 'model' | 'default';

/** The RR training temperature recorded in a saved model's metadata, if the model was trained with RR. */
function trainedTemperature(metadata: Record<string, unknown> | undefined): number | null {
  const exp = (metadata?.workbench as { experiment?: { training?: { method?: string; rr?: { temperature?: number } } } } | undefined)?.experiment;
  const method = exp?.training?.method;
  const t = exp?.training?.rr?.temperature;
  return method && method.startsWith('rr-') && typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : null;
}

interface Plan {
  config: RejectionEvalConfig;
  /** Whether the count was asked for (flag or eval config), not a default. */
  countGiven: boolean;
  /** Whether the temperature was given (flag or eval config); otherwise the model's may apply. */
  temperatureSource: TemperatureSource;
}

/** The rejection-evaluation config from the defaults of the data kind, --eval-config and the flags (exit 2 with every problem). */
function planOf(args: ParsedArgs, read: AnyExperimentConfig): Plan {
  const dataKind: RejectionEvalDataKind = read.kind === 'image' ? 'image' : '2d';
  const evalPath = stringOption(args, 'eval-config');
  let config = defaultRejectionEvalConfig(dataKind);
  let fromFile: Record<string, unknown> = {};
  if (evalPath) {
    const raw = parseJsonText(readTextFile(evalPath, 'rejection evaluation config'), evalPath, 'Rejection evaluation config');
    const parsed = parseRejectionEvalConfig(raw, dataKind);
    const problems = rejectionEvalErrorList(parsed.errors);
    if (problems.length) throw new CliError(`Invalid rejection evaluation config ${evalPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    config = parsed.config;
    fromFile = raw as Record<string, unknown>;
  }
  if (fromFile.count === undefined) config.count = read.kind === 'image' ? read.config.evaluation.count : config.count;
  if (fromFile.seed === undefined) config.seed = read.config.seed;

  const adaptive = stringOption(args, 'adaptive');
  if (adaptive !== undefined) {
    const list = adaptive === 'all' ? [...REJECTION_EVAL_OBJECTIVES] : adaptive === 'none' ? [] : adaptive.split(',').map((s) => s.trim());
    const bad = list.filter((o) => !(REJECTION_EVAL_OBJECTIVES as readonly string[]).includes(o));
    if (bad.length || (list.length === 0 && adaptive !== 'none')) {
      throw new CliError(`evaluate-rejection: --adaptive must be "all", "none" or a comma-separated list of ${REJECTION_EVAL_OBJECTIVES.join(', ')} (got "${adaptive}")`);
    }
    config = withAdaptiveObjectives(config, list as (typeof REJECTION_EVAL_OBJECTIVES)[number][], dataKind);
  }
  const count = numberFlag(args, 'count');
  const temperature = numberFlag(args, 'temperature');
  const xi = numberFlag(args, 'xi');
  const tpr = numberFlag(args, 'tpr');
  const eta = numberFlag(args, 'eta');
  const attackTemperature = numberFlag(args, 'attack-temperature');
  const seed = numberFlag(args, 'seed');
  if (count !== undefined) config.count = count;
  if (temperature !== undefined) config.temperature = temperature;
  if (xi !== undefined) config.xi = xi;
  if (tpr !== undefined) config.tpr = tpr;
  if (seed !== undefined) config.seed = seed;
  if (eta !== undefined) config.settings = config.settings.map((s) => (s.kind === 'adaptive' ? { ...s, eta } : s));
  if (attackTemperature !== undefined) {
    if (!config.settings.some((s) => s.kind === 'adaptive')) throw new CliError('evaluate-rejection: --attack-temperature applies to the adaptive attacks, and this run has none (see --adaptive)');
    config.settings = config.settings.map((s) => (s.kind === 'adaptive' ? { ...s, attackTemperature } : s));
  }
  const errors = validateRejectionEvalConfig(config);
  // Name the flag where a flag set the field.
  const flagOf: Record<string, string> = { count: '--count', temperature: '--temperature', xi: '--xi', tpr: '--tpr', seed: '--seed' };
  const problems = Object.entries(errors).map(([k, v]) => {
    if (flagOf[k] && stringOption(args, k) !== undefined) return `${flagOf[k]} ${v}`;
    if (k.endsWith('.eta') && eta !== undefined) return `--eta ${v}`;
    if (k.endsWith('.attackTemperature') && attackTemperature !== undefined) return `--attack-temperature ${v}`;
    return `${k} ${v}`;
  });
  if (problems.length) throw new CliError(`evaluate-rejection: refused:\n${[...new Set(problems)].map((p) => `  - ${p}`).join('\n')}`);
  const temperatureSource: TemperatureSource = temperature !== undefined ? 'flag' : fromFile.temperature !== undefined ? 'eval-config' : 'default';
  return { config, temperatureSource, countGiven: count !== undefined || fromFile.count !== undefined };
}

interface Inputs {
  model: tf.LayersModel;
  metadata: Record<string, unknown> | undefined;
  x: tf.Tensor;
  labels: Int32Array;
  box: [number, number] | null;
  dataset: unknown;
}

async function inputs2d(config: ExperimentConfig, dir: string, count: number): Promise<Inputs> {
  const ds = makeDataset2d(config.data);
  const { model, metadata } = await loadModelDir(dir, { inputDim: 2, numClasses: ds.numClasses, what: `the config's dataset "${config.data.kind}"` });
  const n = Math.min(count, ds.yTest.length);
  const labels = ds.yTest.slice(0, n);
  const x = inputTensor({ x: ds.xTest.subarray(0, 2 * n), labels, inputShape: [2] });
  return { model, metadata, x, labels, box: config.evaluation.attack.box, dataset: { kind: config.data.kind, testPoints: ds.yTest.length, numClasses: ds.numClasses } };
}

async function inputsImages(config: ImageExperimentConfig, args: ParsedArgs, dir: string, count: number): Promise<Inputs> {
  const data = loadImageData(stringListOption(args, 'data'), config, cifar100LabelOption(args));
  const { model, metadata } = await readModelDir(dir);
  checkImageModel(model, dir, data);
  const ds = subsetFirst(data.test, Math.min(count, data.test.labels.length));
  const t = imageTensors(ds);
  t.y.dispose();
  return { model, metadata, x: t.x, labels: Int32Array.from(ds.labels), box: config.evaluation.attack.box, dataset: describeImageData(data) };
}

const pct = (v: number) => (Number.isNaN(v) ? '-' : `${(100 * v).toFixed(1)}%`);
const num = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));

/** The short table on stderr: setting | score | acc | TPR-x acc | AUC, then the coupled rejector per set. */
function logTable(ev: RejectionEvaluation): void {
  const tprName = `TPR-${Number((100 * ev.tpr).toPrecision(4))} acc`;
  const labelOf = new Map(ev.sets.map((s) => [s.id, s.label]));
  const rows = [['setting', 'score', 'acc', tprName, 'AUC'], ...ev.metrics.map((m) => [labelOf.get(m.set) ?? m.set, m.score, pct(m.accuracy), pct(m.tpr.accuracy), num(m.auc)])];
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  for (const r of rows) status.log(r.map((c, j) => (j >= 2 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd());
  for (const c of ev.coupled) {
    status.log(
      `coupled (xi=${c.xi}) ${labelOf.get(c.set) ?? c.set}: accepted ${c.counts.accepted}/${c.counts.total} (${pct(c.coverage)}), accuracy ${pct(c.acceptedAccuracy)}; ` +
        `after Con > ${c.conThreshold.toFixed(3)}: R-Con >= 1/2 right on ${c.separation.correctKept + c.separation.wrongRejected}/${c.separation.n}`,
    );
  }
}

export async function evaluateRejectionCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('evaluate-rejection', argv, OPTIONS);
  if (args.values.help) {
    process.stdout.write(EVALUATE_REJECTION_USAGE + '\n');
    return EXIT.ok;
  }
  const path = configPath('evaluate-rejection', args);
  const modelDir = stringOption(args, 'model');
  const backendFlag = backendOption(args);
  const out = stringOption(args, 'out');
  const resume = args.values.resume === true;
  if (resume && (!out || out === '-')) throw new CliError('evaluate-rejection: --resume needs --out FILE: the output of the run to continue');
  const read = readAnyConfig(path);
  if (read.kind === 'image') requireDataFiles('evaluate-rejection', stringListOption(args, 'data'));
  else refuseDataFiles(stringListOption(args, 'data'), cifar100LabelOption(args));
  if (!modelDir) throw new CliError('evaluate-rejection: --model DIR is required (save one with: npm run cli -- train CONFIG.json --save-model DIR)');
  const plan = planOf(args, read);
  const config = plan.config;
  const batchText = stringOption(args, 'batch');
  const batch = batchText === undefined ? undefined : Number(batchText);
  if (batch !== undefined && !(batchText!.trim() !== '' && Number.isInteger(batch) && batch >= 1 && batch <= 1_000_000)) throw new CliError(`evaluate-rejection: --batch must be a whole number from 1 to 1000000 (got "${batchText}")`);
  const shard = shardFlag(args);
  if (shard && resume) throw new CliError('evaluate-rejection: --resume does not combine with --shard: run the part again');

  const backend = await initBackend(backendFlag);
  const signal = interruptSignal();
  const t0 = performance.now();
  const inp = read.kind === 'image' ? await inputsImages(read.config, args, modelDir, config.count) : await inputs2d(read.config, modelDir, config.count);
  // A part: a block of whole attack chunks of the run's inputs, so its attacks draw the run's random starts.
  const unit = batch ?? DEFAULT_CHUNK;
  const all = inp.labels.length;
  const part = alignedShardOf(Array.from({ length: all }, (_, i) => i), shard, unit);
  if (shard) {
    if (part.items.length === 0) {
      tf.dispose([inp.x]);
      inp.model.dispose();
      throw new CliError(`evaluate-rejection: --shard ${shard.index}/${shard.count} has no inputs: the run's ${all} inputs make ${Math.ceil(all / unit)} chunk(s) of ${unit} (--batch); use fewer shards or a smaller --batch`);
    }
    const whole = inp.x;
    inp.x = tf.slice(whole, part.first, part.items.length);
    whole.dispose();
    inp.labels = inp.labels.slice(part.first, part.first + part.items.length);
    status.log(`shard ${shard.index}/${shard.count}: inputs ${part.first + 1} to ${part.first + part.items.length} of ${all}`);
  }
  const perInputAsked = args.values['per-input'] === true;
  try {
    const heads = modelHeads(inp.model);
    let temperatureSource = plan.temperatureSource;
    const trained = trainedTemperature(inp.metadata);
    if (temperatureSource === 'default' && heads === 'rr' && trained !== null && trained !== 1) {
      config.temperature = trained;
      temperatureSource = 'model';
      status.log(`note: reading Con and R-Con at the model's RR training temperature ${trained} (set --temperature to change it)`);
    }
    if (plan.countGiven && inp.labels.length < config.count) status.log(`note: --count is ${config.count} but the test set has ${inp.labels.length} inputs; evaluating all ${inp.labels.length}`);
    if (heads !== 'rr') {
      status.log(
        `note: the model in ${modelDir} has ${heads === 'none' ? 'no rejector head' : 'a SelectiveNet head, not an RR head'}: R-Con, the coupled rejector and the adaptive attacks need an RR model; ` +
          `reporting ${heads === 'none' ? 'confidence and energy' : 'confidence, energy and the selection score'}`,
      );
    }
    const problems = rejectionEvalModelProblems(config, heads);
    const toRun = config.settings.filter((s) => !problems[s.id]);
    const log = out && out !== '-' ? openSetLog(out, { evaluation: config, model: modelDir, labels: Array.from(inp.labels) }, toRun, resume) : null;
    if (log?.done.length) status.log(`--resume: ${log.done.length} of ${toRun.length} settings kept from ${setLogPath(out!)}`);
    const te = performance.now();
    const resultOf = (ev: RejectionEvaluation, interrupted: boolean) => {
      const summaryOf = (id: string) => ev.metrics.find((m) => m.set === id);
      return {
        command: 'evaluate-rejection',
        ...(shard ? { shard: { index: shard.index, count: shard.count, first: part.first, of: all, batch: unit, perInput: perInputAsked } } : {}),
        config: read.config,
        evaluation: config,
        temperatureSource,
        backend,
        dataset: inp.dataset,
        model: { source: 'loaded', dir: modelDir, heads, numClasses: ev.numClasses, trainedTemperature: trained },
        box: inp.box,
        n: ev.n,
        scores: ev.scoreNames,
        skipped: ev.skipped,
        interrupted,
        sets: ev.sets.map((s) => ({ id: s.id, label: s.label, kind: s.kind, adversarial: s.adversarial, setting: s.setting, n: s.correct.length, nonFinite: s.nonFinite, accuracy: summaryOf(s.id)?.accuracy ?? NaN })),
        metrics: ev.metrics,
        coupled: ev.coupled,
        // Each rejector with one threshold set on the clean inputs and held under attack (the arena's measures).
        footing: rejectorFooting(ev),
        perInput: perInputAsked || shard ? perInputOf(ev) : undefined,
        timing: roundTimes({ totalMs: performance.now() - t0, evaluateMs: performance.now() - te }),
      };
    };
    // The settings finished so far, saved and written out the moment each is done.
    const finished = [...(log?.done ?? [])];
    const skipped = config.settings.filter((s) => problems[s.id]).map((s) => ({ id: s.id, label: s.label, reason: problems[s.id] }));
    const onSet = (set: ScoredSet) => {
      if (!log) return;
      log.write(set);
      finished.push(set);
      const scoreNames = rejectorScoresOf(heads);
      const partial = rejectionMetrics(finished, scoreNames, { tpr: config.tpr, xi: config.xi });
      const ev = { numClasses: inp.model.outputs[0].shape[1] as number, n: set.predictions.length, heads, scoreNames, temperature: config.temperature, tpr: config.tpr, xi: config.xi, sets: finished, ...partial, skipped };
      writeResult(resultOf(ev, true), out);
    };
    let ev: RejectionEvaluation;
    try {
      ev = await evaluateRejection(
        inp.model,
        inp.x,
        inp.labels,
        config,
        { signal, done: log?.done, onSet, ...(batch ? { batchSize: batch } : {}), ...(part.first ? { firstChunk: part.first / unit } : {}), onProgress: (f, stage) => status.update(`${stage.setting.label} (${stage.index + 1}/${stage.total}): ${(100 * f).toFixed(0)}% overall`) },
        inp.box,
      );
      status.done();
    } catch (e) {
      status.done();
      log?.close();
      if (isCancelled(e)) throw new CliError(`Cancelled during the rejection evaluation${finished.length ? `; the ${finished.length} finished setting(s) are in ${out} and ${setLogPath(out!)} (continue with --resume)` : ''}`, EXIT.cancelled);
      // The inputs outside the config's box (evaluation.attack.box) are the user's to fix.
      if (e instanceof Error && /outside the input box/.test(e.message)) throw new CliError(e.message);
      throw e;
    }
    for (const s of ev.skipped) status.log(`skipped ${s.label}: ${s.reason}`);
    for (const s of ev.sets) if (s.nonFinite) status.log(`warning: ${s.label}: ${s.nonFinite} of ${s.correct.length} inputs have a NaN or infinite output or score; each is counted wrong and rejected by every score`);
    logTable(ev);
    writeResult(resultOf(ev, false), out);
    log?.finish();
    if (out) status.log(`wrote ${out}`);
    return EXIT.ok;
  } finally {
    inp.x.dispose();
    inp.model.dispose();
  }
}
