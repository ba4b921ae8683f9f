/**
 * `evaluate CONFIG.json [--model DIR] [--out FILE] [--compose-core DIR2]`: the metrics of paper
 * 001 on the test set. The 4-way split at eps; the robustness-indicator selector S (Eq. 12: select
 * x iff the model is robust on B(x, eps)), whose *robust* selection needs robustness on
 * B(x, 2·eps) (Section 5); and, with --compose-core, the 2-compositional model (Eq. 15)
 * H = S·F_robust + (1 − S)·F_core next to its two parts. All through the core's composeModels.
 */
import type * as tf from '@tensorflow/tfjs';
import { DATASET2D_INFO, type RobustnessSplit, attackConfigOf, composeModels, isCancelled, splitPoints } from '../../core';
import { backendOption, configPath, parseCommandArgs, stringOption } from '../args';
import { CliError, EXIT } from '../errors';
import { loadModelDir, readExperimentConfig, writeResult } from '../files';
import {
  attackProgress,
  categoryNames,
  initBackend,
  interruptSignal,
  obtainModel,
  pointPairs,
  roundTimes,
  splitMetrics,
  status,
} from '../session';

export const EVALUATE_USAGE = `Usage: npm run cli -- evaluate CONFIG.json [--model DIR] [--compose-core DIR2] [--out FILE] [--backend wasm|cpu]

Evaluates a model on the test set of the config's data under the config's evaluation attack
(paper 001): the 4-way split at eps, and the robustness-indicator selector S (select x iff the
model is robust on B(x, eps)), with its robust selection measured at 2*eps.

  --model DIR          the (robust) model: DIR/model.json + DIR/weights.bin; without it a model
                       is trained from the config first
  --compose-core DIR2  also evaluate the 2-compositional model H = S*F_robust + (1-S)*F_core with
                       the core model in DIR2 (natural and robust accuracy next to its parts)
  --out FILE           write the result JSON there (default: print it to stdout)
  --backend NAME       wasm (default) or cpu

Without --compose-core the selector is reported with the robust model alone (an abstaining
model: an abstention counts as not correct).`;

export async function evaluateCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('evaluate', argv, { out: { type: 'string' }, model: { type: 'string' }, 'compose-core': { type: 'string' } });
  if (args.values.help) {
    process.stdout.write(EVALUATE_USAGE + '\n');
    return EXIT.ok;
  }
  const path = configPath('evaluate', args);
  const out = stringOption(args, 'out');
  const modelDir = stringOption(args, 'model');
  const coreDir = stringOption(args, 'compose-core');
  const config = readExperimentConfig(path);
  const backend = await initBackend(backendOption(args));
  const signal = interruptSignal();
  const t0 = performance.now();

  // Load the core model first: a bad folder should fail before any training.
  let core: tf.LayersModel | null = null;
  if (coreDir) {
    const numClasses = DATASET2D_INFO[config.data.kind].numClasses;
    core = (await loadModelDir(coreDir, { inputDim: 2, numClasses, what: `the config's dataset "${config.data.kind}"` })).model;
  }
  let robust: tf.LayersModel | null = null;
  try {
    const obtained = await obtainModel(config, modelDir, signal, 'evaluate');
    robust = obtained.model;
    const { dataset, source, trainMs } = obtained;
    const attack = attackConfigOf(config);
    const { xTest, yTest } = dataset;

    const run = async (model: tf.LayersModel, scale: number, label: string): Promise<RobustnessSplit> => {
      try {
        const split = await splitPoints(model, xTest, yTest, config, { signal, onProgress: attackProgress(label) }, scale);
        status.done();
        return split;
      } catch (e) {
        if (isCancelled(e)) throw new CliError('Cancelled during the evaluation', EXIT.cancelled);
        throw e;
      }
    };
    const te = performance.now();
    const atEps = await run(robust, 1, `robust model, ${attack.kind} eps ${attack.eps}`);
    const atTwoEps = await run(robust, 2, `robust model, ${attack.kind} eps ${2 * attack.eps} (2·eps)`);
    let corePredictions: Int32Array;
    let coreAtEps: RobustnessSplit | undefined;
    if (core) {
      coreAtEps = await run(core, 1, `core model, ${attack.kind} eps ${attack.eps}`);
      corePredictions = coreAtEps.predictions; // F_core on the clean inputs
    } else {
      // No core model: H abstains where S does not select (-1 never equals a label).
      corePredictions = new Int32Array(yTest.length).fill(-1);
    }
    const composed = composeModels({ labels: yTest, robustAtEps: atEps, robustAtTwoEps: atTwoEps, corePredictions, coreAtEps });
    const evaluateMs = performance.now() - te;

    const selector = {
      selectionRate: composed.selectionRate,
      abstentionRate: 1 - composed.selectionRate,
      robustSelection: composed.robustSelection,
      selectedRobustAccuracy: composed.selectedRobustAccuracy,
    };
    const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
    status.log(
      `robust model at eps ${attack.eps}: natural ${pct(atEps.naturalAccuracy)}, robust acc ${pct(atEps.robustAccuracy)}, robust inacc ${pct(atEps.robustInaccuracy)}; ` +
        `selector: selects ${pct(selector.selectionRate)}, robustly (2·eps) ${pct(selector.robustSelection)}`,
    );
    if (core) {
      status.log(
        `composition: natural ${pct(composed.composition.naturalAccuracy)}, robust ${pct(composed.composition.robustAccuracy)}; ` +
          `core alone: natural ${pct(composed.coreModel.naturalAccuracy)}, robust ${pct(composed.coreModel.robustAccuracy)}`,
      );
    }

    writeResult(
      {
        command: 'evaluate',
        config,
        backend,
        model: source.kind === 'loaded' ? { source: 'loaded', dir: source.dir } : { source: 'trained', training: source.training },
        coreModel: coreDir ? { source: 'loaded', dir: coreDir } : undefined,
        attack: { ...attack, twoEps: 2 * attack.eps },
        metrics: {
          atEps: splitMetrics(atEps),
          atTwoEps: splitMetrics(atTwoEps),
          selector,
          // Without a core model: F_robust with S, abstaining elsewhere (abstaining = not correct).
          abstainModel: core ? undefined : composed.composition,
          composition: core
            ? { composition: composed.composition, robustModel: composed.robustModel, coreModel: composed.coreModel, coreAtEps: splitMetrics(coreAtEps!) }
            : undefined,
        },
        points: {
          x: pointPairs(xTest),
          y: Array.from(yTest),
          predictions: Array.from(atEps.predictions),
          categoriesAtEps: categoryNames(atEps),
          categoriesAtTwoEps: categoryNames(atTwoEps),
          selected: Array.from(composed.selected),
          robustlySelected: Array.from(composed.robustlySelected),
          corePredictions: core ? Array.from(corePredictions) : undefined,
          compositionPredictions: core ? Array.from(composed.predictions) : undefined,
        },
        timing: roundTimes({ trainMs, evaluateMs, totalMs: performance.now() - t0 }),
      },
      out,
    );
    if (out) status.log(`wrote ${out}`);
    return EXIT.ok;
  } finally {
    robust?.dispose();
    core?.dispose();
  }
}
