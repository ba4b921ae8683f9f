/**
 * The abstain arena: every way of abstaining of the five papers trained on the same 2-D data from
 * the same seed with the same budget, attacked at the same threat model, and counted by one rule
 * (metrics/abstainOutcomes.ts): per input, the decision on the clean point and at each attack's
 * point, the worst attack per input. Beside the common measures each row has the certified or
 * verified share where the family has a certificate and its paper's own measure. A row is reported
 * (onRow) as soon as its family is done, so a cancelled run keeps the rows it finished.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, checkpoint, isCancelled } from '../cancel';
import { runSmoothingOnSet } from '../certify/run';
import { runRejectionOnSet } from '../certify/noiseRejection';
import { modelClassifier } from '../certify/smoothing';
import { type Bounds2d, makeDataset2d, makeGrid2d } from '../data/synthetic2d';
import { type ImageDataset, recordsFingerprint, subsetFirst } from '../data/imageDataset';
import type { TrainConfig } from '../training/config';
import { abstainOutcomes, share } from '../metrics/abstainOutcomes';
import { averageCertifiedRadius } from '../metrics/certified';
import { composeModels } from '../metrics/composition';
import { robustnessSplit } from '../metrics/robustness';
import { rCon } from '../metrics/rejectorScores';
import { tprAccuracy } from '../metrics/selective';
import { verifyAbstain } from '../verify/abstainVerification';
import { crownRefusal } from '../verify/crown';
import { bytesPerCopy } from '../certify/batchMemory';
import type { TrainProgress, TrainResult } from '../training/trainer';
import { ARENA_FAMILY_INFO, type ArenaConfig, type ArenaFamily, arenaBox, familyUnavailable, normaliseArenaConfig, orderedFamilies } from './arenaConfig';
import { ARENA_TPR, type ArenaDecider, arenaPredictOptions, attackTargets, familyDecider, logitDecisions } from './arenaDecisions';
import type { ArenaCost, ArenaFigure, ArenaResult, ArenaRow } from './arenaResults';
import { familyExperiment, familyImageExperiment, trainingAttackStepsOf } from './arenaTraining';
import { SAMPLE_REJECTION_BATCH, SAMPLE_REJECTION_LR, SAMPLE_REJECTION_THRESHOLD, type SampleRejectionSystem, sampleRejectionDecider, systemBytesPerCopy, trainSampleRejection } from './arenaSampleRejection';
import { accuracyCoveragePoints } from './rconRejectionMetrics';
import { type LabelledSet, inputTensor, runTraining, selectRecords, trainImageModel } from './runner';
import type { ExperimentConfig } from './config';
import type { ImageExperimentConfig } from './imageConfig';

export interface ArenaProgress {
  family: ArenaFamily;
  /** 0-based position of the family among those run, and their number. */
  index: number;
  count: number;
  stage: 'train' | 'attack' | 'certify' | 'grid';
  /** Progress within the stage, 0..1. */
  fraction: number;
  detail: string;
}

export interface ArenaControl {
  signal?: AbortSignal | null;
  onProgress?: (p: ArenaProgress) => void;
  /** Each finished row, as soon as it is done (a cancelled run keeps these). */
  onRow?: (row: ArenaRow) => void;
  /**
   * Runs only these of the config's families (a shard of the run: `cli arena --shard`); each
   * family's row does not depend on which others run, so the shards' rows are the whole run's.
   */
  only?: readonly ArenaFamily[];
  /**
   * Models kept from earlier runs (the page's library). `find` is asked, before a family trains,
   * for a model trained with exactly the experiment config it would train, to its last epoch: the
   * same config and seed on the same backend give the same weights, so the table is the same and
   * only the training time is saved. On images the config does not say which records it trained
   * on: `records` is then the fingerprint of the training records (data/imageDataset.ts
   * recordsFingerprint), which a reused model must have been trained on; null on 2-D data, which
   * the config generates. A model it returns becomes the run's (disposed at the end).
   * `keep` gets every model the run trains, with its config, records and result (the model stays
   * the run's: copy what you keep).
   */
  library?: {
    find(family: ArenaFamily, experiment: ExperimentConfig | ImageExperimentConfig, records: string | null): Promise<{ model: tf.LayersModel; name: string } | null>;
    keep?(family: ArenaFamily, experiment: ExperimentConfig | ImageExperimentConfig, records: string | null, model: tf.LayersModel, result: TrainResult): Promise<void>;
  };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const seconds = (ms: number) => Math.round(ms) / 1000;

function emptyRow(family: ArenaFamily): ArenaRow {
  const info = ARENA_FAMILY_INFO[family];
  return { family, ...info, status: 'done', note: null, cost: null, attacks: [], outcomes: null, guarantees: [], guaranteeNote: null, paperMeasure: null, coverage: null, decisions: null, grid: null };
}

interface Trained {
  model: tf.LayersModel;
  rrTemperature: number;
  /** Paper 003's system (sample rejection): `model` is then its f∘D. */
  system?: SampleRejectionSystem;
}

/** The records of an arena on images: the files' training and test sets (the CLI's --data, the page's loaded data set). */
export interface ArenaImageData {
  train: ImageDataset;
  test: ImageDataset;
}

/** What every family shares: the evaluated test inputs, the classes, the plane (2-D) and the training records (images). */
interface ArenaSets {
  train: LabelledSet;
  test: LabelledSet;
  numClasses: number;
  bounds: Bounds2d | null;
  trainRecords: number;
  imageTrain: ImageDataset | null;
  /** The training records' fingerprint (images), computed when the library first asks. */
  recordsId?: string;
}

function arenaSets(config: ArenaConfig, images: ArenaImageData | undefined): ArenaSets {
  const take = (n: number) => (config.count > 0 ? Math.min(config.count, n) : n);
  if (config.source === '2d') {
    const ds = makeDataset2d(config.data);
    const n = take(ds.yTest.length);
    return { train: { x: ds.xTrain, labels: ds.yTrain, inputShape: [2] }, test: { x: ds.xTest.slice(0, 2 * n), labels: ds.yTest.slice(0, n), inputShape: [2] }, numClasses: ds.numClasses, bounds: ds.bounds, trainRecords: ds.yTrain.length, imageTrain: null };
  }
  if (!images) throw new Error('runArena: an arena on images ("source": "images") needs the image records: give the data set files (the CLI\'s --data, or load a data set in the page)');
  const train = selectRecords(images.train, config.images.trainLimit, familyImageExperiment(config, 'standard'));
  const test = subsetFirst(images.test, take(images.test.labels.length));
  if (test.numClasses !== train.numClasses) throw new Error(`runArena: the training records have ${train.numClasses} classes but the test records ${test.numClasses}`);
  return { train: { x: train.images, labels: train.labels, inputShape: train.shape }, test: { x: test.images, labels: test.labels, inputShape: test.shape }, numClasses: train.numClasses, bounds: null, trainRecords: train.labels.length, imageTrain: train };
}

/** Trains `family` on the arena's data (2-D: generated from the config; images: the selected records). */
async function trainFamily(
  config: ArenaConfig,
  family: ArenaFamily,
  sets: ArenaSets,
  onTrain: ((p: TrainProgress) => void) | undefined,
  control: ArenaControl,
): Promise<{ model: tf.LayersModel; result: TrainResult; training: Omit<TrainConfig, 'seed'>; reused: string | null }> {
  const exp = sets.imageTrain ? familyImageExperiment(config, family) : familyExperiment(config, family);
  const records = control.library && sets.imageTrain ? (sets.recordsId ??= recordsFingerprint(sets.imageTrain)) : null;
  const found = await control.library?.find(family, exp, records);
  if (found) return { model: found.model, result: { status: 'completed', message: '', history: [], epochsCompleted: exp.training.epochs }, training: exp.training, reused: found.name };
  const { model, result } = sets.imageTrain ? await trainImageModel(exp as ImageExperimentConfig, sets.imageTrain, null, onTrain, control.signal) : await runTraining(exp as ExperimentConfig, onTrain, control.signal);
  if (result.status === 'completed') await control.library?.keep?.(family, exp, records, model, result);
  return { model, result, training: exp.training, reused: null };
}

/**
 * Runs the arena; returns every row (failed and not-run ones included). Throws on a bad config
 * before training anything. An arena on images takes its records as `images`.
 */
export async function runArena(rawConfig: ArenaConfig, control: ArenaControl = {}, images?: ArenaImageData): Promise<ArenaResult> {
  const config = normaliseArenaConfig(rawConfig);
  const started = now();
  const only = control.only;
  if (only && only.some((f) => !config.families.includes(f))) throw new Error(`runArena: only names ${only.filter((f) => !config.families.includes(f)).join(', ')}, which the config's families (${config.families.join(', ')}) do not hold`);
  const families = orderedFamilies(config).filter((f) => !only || only.includes(f));
  const sets = arenaSets(config, images);
  const rows: ArenaRow[] = [];
  const models = new Map<ArenaFamily, tf.LayersModel>();
  const systems: SampleRejectionSystem[] = [];
  try {
    for (const [index, family] of families.entries()) {
      await checkpoint(control.signal);
      const report = (stage: ArenaProgress['stage'], fraction: number, detail: string) => control.onProgress?.({ family, index, count: families.length, stage, fraction, detail });
      const row = emptyRow(family);
      const unavailable = familyUnavailable(family, config);
      if (unavailable) {
        row.status = 'not-run';
        row.note = unavailable;
      } else {
        const t0 = now();
        const onTrain = (p: TrainProgress) => report('train', (p.epoch - 1 + (p.kind === 'batch' ? p.batch / p.batches : 1)) / p.epochs, `epoch ${p.epoch} of ${p.epochs}`);
        let trained: Trained;
        let result: Pick<TrainResult, 'status' | 'message' | 'epochsCompleted'>;
        let cost: ArenaCost;
        if (family === 'sample-rejection') {
          // Paper 003 robustifies a pretrained classifier: the arena's standard model (trained here when its row is not run).
          const classifier = models.get('standard') ?? (await trainFamily(config, 'standard', sets, onTrain, control)).model;
          models.set('standard', classifier);
          const xTrain = inputTensor(sets.train);
          let system: SampleRejectionSystem;
          try {
            system = await trainSampleRejection(config, classifier, xTrain, sets.numClasses, (f, detail) => report('train', f, detail), control.signal);
          } finally {
            xTrain.dispose();
          }
          systems.push(system);
          trained = { model: system.composed ?? classifier, rrTemperature: 1, system };
          result = { status: system.status, message: system.message, epochsCompleted: system.epochs };
          cost = { epochs: system.epochs, optimizerSteps: system.epochs * Math.ceil(sets.trainRecords / SAMPLE_REJECTION_BATCH), trainingAttackSteps: 0, optimizer: 'adam', learningRate: SAMPLE_REJECTION_LR, batchSize: SAMPLE_REJECTION_BATCH, seed: config.seed, trainSeconds: 0, evaluateSeconds: 0, trainStatus: system.status };
          row.note = 'The denoiser and the rejectors (their epochs together) on the standard model, whose own training the standard row reports.';
        } else {
          const out = await trainFamily(config, family, sets, onTrain, control);
          models.set(family, out.model);
          if (out.reused) row.note = `Trained earlier with exactly these settings: taken from the library (“${out.reused}”); its epochs and steps are those of that training, the time here is loading it.`;
          trained = { model: out.model, rrTemperature: out.training.rr.temperature };
          result = out.result;
          cost = {
            epochs: out.result.epochsCompleted,
            optimizerSteps: out.result.epochsCompleted * Math.ceil(sets.trainRecords / out.training.batchSize),
            trainingAttackSteps: trainingAttackStepsOf(out.training),
            optimizer: out.training.optimizer,
            learningRate: out.training.learningRate,
            batchSize: out.training.batchSize,
            seed: config.seed,
            trainSeconds: 0,
            evaluateSeconds: 0,
            trainStatus: out.result.status,
          };
        }
        if (result.status === 'cancelled') throw new CancelledError('The arena was cancelled.');
        cost.trainSeconds = seconds(now() - t0);
        row.cost = cost;
        if (result.status === 'diverged') {
          row.status = 'failed';
          row.note = `Training stopped: ${result.message}`;
        } else {
          const t1 = now();
          try {
            await evaluateFamily(row, { ...trained, family }, config, sets, models, control, report);
          } catch (e) {
            if (isCancelled(e)) throw e;
            row.status = 'failed';
            row.note = e instanceof Error ? e.message : String(e);
          }
          cost.evaluateSeconds = seconds(now() - t1);
        }
      }
      rows.push(row);
      control.onRow?.(row);
    }
  } finally {
    for (const sys of systems) sys.dispose();
    for (const m of models.values()) m.dispose();
  }
  return {
    config,
    backend: tf.getBackend(),
    versions: { tfjs: tf.version.tfjs },
    numClasses: sets.numClasses,
    inputShape: [...sets.test.inputShape],
    labels: Array.from(sets.test.labels),
    points: sets.bounds ? Array.from(sets.test.x) : [],
    rows,
    elapsedSeconds: seconds(now() - started),
  };
}

async function decideAll(decider: ArenaDecider, x: tf.Tensor, control: ArenaControl): Promise<Int32Array> {
  return decider.decide(x, { signal: control.signal });
}

async function evaluateFamily(
  row: ArenaRow,
  trained: Trained & { family: ArenaFamily },
  config: ArenaConfig,
  sets: ArenaSets,
  models: Map<ArenaFamily, tf.LayersModel>,
  control: ArenaControl,
  report: (stage: ArenaProgress['stage'], fraction: number, detail: string) => void,
): Promise<void> {
  const { family, model } = trained;
  const { numClasses, bounds } = sets;
  const labels = sets.test.labels;
  const x = inputTensor(sets.test);
  try {
    const decider = trained.system ? sampleRejectionDecider(trained.system, config, numClasses) : await familyDecider(family as Exclude<ArenaFamily, 'sample-rejection'>, model, config, numClasses, x, labels, trained.rrTemperature);
    const clean = await decideAll(decider, x, control);
    // Every attack pushes away from the model's own answer: the label where the answer is right
    // (or withheld), the wrong class where it is wrong — robust inaccuracy (paper 001, Eq. 3) asks
    // whether that wrong answer can be moved, which an attack on the label does not try.
    const targets = tf.tensor1d(attackTargets(clean, labels, numClasses), 'int32');
    const attacked: Int32Array[] = [];
    const adversarial: tf.Tensor[] = [];
    try {
      for (const [j, attack] of decider.attacks.entries()) {
        report('attack', j / decider.attacks.length, attack.label);
        const xAdv = await attack.run(x, targets, { signal: control.signal });
        adversarial.push(xAdv);
        attacked.push(await decideAll(decider, xAdv, control));
      }
      row.outcomes = abstainOutcomes({ labels, clean, attacked });
      if (labels.length > 0 && row.outcomes.cleanAbstention.k === labels.length) {
        // Abstaining everywhere is robust and useless: say so beside the numbers, which alone read as a result.
        const warning = 'It abstained on every clean test input: under this budget the family found the trivial answer (more epochs, or a smaller eps, may let it learn to classify).';
        row.note = row.note ? `${row.note} ${warning}` : warning;
      }
      row.attacks = decider.attacks.map((a, j) => ({ id: a.id, label: a.label, robustAccuracy: abstainOutcomes({ labels, clean, attacked: [attacked[j]] }).robustAccuracy }));
      row.decisions = { clean: Array.from(clean), attacked: attacked.map((a) => Array.from(a)) };
      if (decider.score && attacked.length) {
        const worst = row.attacks.reduce((w, a, j) => (a.robustAccuracy.k < row.attacks[w].robustAccuracy.k ? j : w), 0);
        const { scores, answers } = await decider.score.scores(adversarial[worst]);
        const curve = accuracyCoveragePoints(scores, Uint8Array.from(answers, (p, i) => Number(p === labels[i])));
        row.coverage = { score: decider.score.name, attack: row.attacks[worst].label, coverage: curve.coverage, accuracy: curve.accuracy };
      }
      await paperMeasure(row, trained, config, sets, x, adversarial, models, control, report);
    } finally {
      tf.dispose([...adversarial, targets]);
    }
    await guarantees(row, trained, config, x, sets, control, report);
    if (bounds && config.gridResolution > 0) {
      report('grid', 0, 'decision regions');
      const r = config.gridResolution;
      const grid = tf.tensor2d(makeGrid2d(bounds, r), [r * r, 2]);
      try {
        row.grid = { resolution: r, bounds, decisions: Array.from(await decideAll(decider, grid, control)) };
      } finally {
        grid.dispose();
      }
    }
  } finally {
    x.dispose();
  }
}

async function paperMeasure(
  row: ArenaRow,
  trained: Trained & { family: ArenaFamily },
  config: ArenaConfig,
  sets: ArenaSets,
  x: tf.Tensor,
  adversarial: tf.Tensor[],
  models: Map<ArenaFamily, tf.LayersModel>,
  control: ArenaControl,
  report: (stage: ArenaProgress['stage'], fraction: number, detail: string) => void,
): Promise<void> {
  const { family, model } = trained;
  const { numClasses } = sets;
  const labels = sets.test.labels;
  const { norm, eps } = config.threat;
  const attack = { kind: 'pgd' as const, norm, eps, steps: config.budget.attackSteps, stepSize: 0, restarts: config.budget.attackRestarts, randomStart: true, box: arenaBox(config), seed: config.seed };
  if (family === 'era-selector') {
    if (!config.families.includes('standard')) return;
    report('attack', 1, 'composition with the standard model');
    // A shard without the standard family trains it here: the same config and seed give the same model.
    const core = models.get('standard') ?? (await trainFamily(config, 'standard', sets, undefined, control)).model;
    if (!models.has('standard')) models.set('standard', core);
    const rc = { signal: control.signal };
    const robustAtEps = await robustnessSplit(model, x, labels, attack, rc);
    const robustAtTwoEps = await robustnessSplit(model, x, labels, { ...attack, eps: 2 * eps }, rc);
    const coreAtEps = await robustnessSplit(core, x, labels, attack, rc);
    const c = composeModels({ labels, robustAtEps, robustAtTwoEps, corePredictions: coreAtEps.predictions, coreAtEps });
    row.paperMeasure = {
      label: 'composition robust accuracy (authors\' measure)',
      value: c.authorsRobustAccuracy ?? NaN,
      definition: 'Paper 001\'s 2-compositional model: the ERA model where the selector accepts, the standard model elsewhere, credited per input with the robust accuracy of whichever model answers (ymerkli/robust-abstain\'s compositional accuracy).',
    };
  } else if (family === 'rr') {
    const adaptive = row.attacks.findIndex((a) => a.id === 'adaptive');
    if (adaptive < 0) return;
    const scores = await rCon(model, adversarial[adaptive], { temperature: trained.rrTemperature });
    const answers = await logitDecisions(model, adversarial[adaptive], numClasses);
    const correct = Uint8Array.from(answers, (p, i) => Number(p === labels[i]));
    const value = correct.some((c) => c === 1) ? tprAccuracy(scores, correct, ARENA_TPR).accuracy : 0;
    row.paperMeasure = {
      label: 'TPR-95 accuracy under the adaptive attack',
      value,
      definition: 'Paper 000\'s measure: accuracy on the attacked inputs R-Con keeps, with the threshold set anew on the attacked set so that it keeps 95% of its correctly classified inputs.',
    };
  }
}

async function guarantees(
  row: ArenaRow,
  trained: Trained & { family: ArenaFamily },
  config: ArenaConfig,
  x: tf.Tensor,
  sets: ArenaSets,
  control: ArenaControl,
  report: (stage: ArenaProgress['stage'], fraction: number, detail: string) => void,
): Promise<void> {
  const { family, model } = trained;
  const { norm, eps } = config.threat;
  const { numClasses } = sets;
  const labels = sets.test.labels;
  const n = labels.length;
  const d = sets.test.inputShape.reduce((a, b) => a * b, 1);
  const figures: ArenaFigure[] = [];
  if (family === 'gaussian' || family === 'cat-rs' || trained.system) {
    report('certify', 0, 'CERTIFY');
    // An l∞ ball of radius eps in d dimensions lies inside the l2 ball of radius eps·√d.
    const radius = norm === 'l2' ? eps : eps * Math.sqrt(d);
    const o = { ...arenaPredictOptions(config, family, 'certify', trained.system ? systemBytesPerCopy(trained.system) : bytesPerCopy(model)), n: config.smoothing.certifyN };
    const indices = Array.from({ length: n }, (_, i) => i);
    const runControl = { signal: control.signal, onProgress: (f: number) => report('certify', f, 'CERTIFY') };
    const sys = trained.system;
    // Paper 003's certificate is Theorem 3.1's radius from the counts of f_R (CERTIFY with rejection).
    const { rows, cancelled } = sys
      ? await runRejectionOnSet('certify', { classifier: sys.classifier, denoiser: sys.denoiser, rejectors: sys.rejectors }, x, labels, indices, { ...o, threshold: SAMPLE_REJECTION_THRESHOLD, splitAlpha: false }, runControl)
      : await runSmoothingOnSet('certify', modelClassifier(model), x, labels, indices, o, runControl);
    if (cancelled) throw new CancelledError('The arena was cancelled.');
    const k = rows.filter((r) => r.correct === 1 && (r.radius ?? 0) >= radius).length;
    figures.push({
      id: 'certified',
      label: norm === 'l2' ? 'certified (radius ≥ eps)' : `certified (l2 radius ≥ eps·√${d})`,
      definition: `Share of inputs whose smoothed prediction is right with a certified l2 radius${sys ? ' (Theorem 3.1, with rejection)' : ''} of at least ${Number(radius.toPrecision(4))} (CERTIFY, n = ${config.smoothing.certifyN}, alpha = ${config.smoothing.alpha}${sys ? ' for each of the two bounds, as paper 003: jointly 1 − 2·alpha' : ''})${norm === 'linf' ? ': the l∞ ball of radius eps lies inside it' : ''}.`,
      share: share(k, n),
    });
    row.paperMeasure = {
      label: 'average certified radius (ACR)',
      value: averageCertifiedRadius(rows),
      definition: sys
        ? 'Paper 003\'s certificate summed up as 002 does: the mean Theorem 3.1 radius of the correctly classified inputs, the others counting 0.'
        : 'Paper 002\'s measure: the mean l2 radius CERTIFY gives the correctly classified inputs, the others counting 0.',
    };
  } else if (family === 'rr') {
    row.guaranteeNote = 'No certificate: neither paper 000 nor the verifiers here bound the R-Con rejector.';
  } else if (norm !== 'linf') {
    row.guaranteeNote = 'IBP and CROWN bound l∞ boxes here; under an l2 threat model no verified figure is given.';
  } else {
    const ibpClasses = family === 'ibp-m1' || family === 'ibp-m3';
    // The selector answers F(x) on all of B(x, eps) wherever F is verified constant on B(x, 2·eps).
    const radius = family === 'era-selector' ? 2 * eps : eps;
    for (const bound of ['ibp', 'crown'] as const) {
      report('certify', bound === 'ibp' ? 0 : 0.5, `${bound.toUpperCase()} verification`);
      const refusal = bound === 'crown' ? crownRefusal(model, x) : null;
      if (refusal !== null) {
        row.guaranteeNote = `CROWN bounds MLPs only (dense layers with ReLU), so IBP's figure stands alone: ${refusal}`;
        continue;
      }
      const v = await verifyAbstain(model, x, labels, radius, { numClasses, bound, box: arenaBox(config), signal: control.signal });
      let k = 0;
      for (let i = 0; i < n; i++) k += v.verified[i];
      const name = bound === 'ibp' ? 'IBP' : 'CROWN';
      figures.push({
        id: `verified-${bound}`,
        label: family === 'era-selector' ? `verified (${name} at 2·eps)` : `verified (${name})`,
        definition: ibpClasses
          ? `Share of inputs classified right whose every point in the eps-ball provably lands in the right class or an abstain class (${name} bounds).`
          : family === 'era-selector'
            ? `Share of inputs classified right where ${name} proves the ERA model constant on the 2·eps-ball, so the selector answers the same right class on the whole eps-ball.`
            : `Share of inputs classified right whose every point in the eps-ball provably gets the same class (${name} bounds).`,
        share: share(k, n),
      });
      if (ibpClasses && bound === 'ibp') {
        row.paperMeasure = {
          label: 'verified error, abstain = success (IBP)',
          value: v.verifiedError,
          definition: 'Paper 004\'s measure: share of inputs not proven to land, everywhere in the eps-ball, in the right class or an abstain class.',
        };
      }
    }
  }
  row.guarantees = figures;
}
