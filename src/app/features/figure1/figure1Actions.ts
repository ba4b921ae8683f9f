/** The Figure 1 preset of Merkli et al.: three models trained, attacked and composed in one go. */
import { type ExperimentConfig, type TrainingMethodName, FIGURE1_PRESET, METHOD_LABELS, validateExperiment } from '../../../core/settings';
import { worker } from '../../workerClient';
import { useStore } from '../../state/store';
import { jobWasCancelled, progressProxy, withJob, type ProgressCallback } from '../../state/jobs';
import { trainModel } from '../../state/playgroundModels';
import { evaluateModel } from '../playground/playgroundActions';

export interface PresetOverrides {
  size: number;
  epochs: number;
}

/**
 * The size the preset runs at by default, for a result in well under a minute on WASM: fewer
 * points and epochs than the paper's 1,250 and 20 (one click away as "full paper size").
 */
export const FIGURE1_QUICK: PresetOverrides = { size: 750, epochs: 12 };

export function figure1ModelId(method: TrainingMethodName): string {
  return `fig1-${method}`;
}

/** Builds the config of one model of the Figure 1 preset, with the user's size and epochs. */
export function figure1Config(method: TrainingMethodName, o: PresetOverrides): ExperimentConfig {
  const c = structuredClone(FIGURE1_PRESET.config);
  c.data.size = o.size;
  c.training.epochs = o.epochs;
  c.training.method = method;
  return c;
}

/**
 * The "Robust inaccuracy — Merkli et al., Figure 1" preset: trains standard, TRADES and ERA models
 * one after the other, attacks each, then composes ERA (robust) with standard (core).
 */
export async function runFigure1(o: PresetOverrides): Promise<boolean> {
  const { pushMessage } = useStore.getState();
  const problems = validateExperiment(figure1Config('standard', o));
  if (Object.keys(problems).length) {
    pushMessage('error', `Preset settings: ${Object.entries(problems).map(([k, v]) => `${k} ${v}`).join('; ')}`);
    return false;
  }
  const methods = FIGURE1_PRESET.methods;
  const done = await withJob('preset', FIGURE1_PRESET.label, async (jobId, progress) => {
    for (const [i, method] of methods.entries()) {
      const config = figure1Config(method, o);
      const name = `${METHOD_LABELS[method].split(' (')[0]} (Fig. 1)`;
      const stage: ProgressCallback = (f, _eta, detail) => progress((i + f) / methods.length, null, `${name}: ${detail ?? ''}`);
      const summary = await trainModel(figure1ModelId(method), name, config, stage, jobId);
      if (!summary || summary.epochsCompleted < config.training.epochs || jobWasCancelled(jobId)) return false;
    }
    return true;
  });
  if (!done) return false;
  const evaluation = FIGURE1_PRESET.config.evaluation;
  for (const method of methods) await evaluateModel(figure1ModelId(method), evaluation, FIGURE1_PRESET.evalSet);
  useStore.setState({ compose: { robustId: figure1ModelId('era'), coreId: figure1ModelId('standard') } });
  const view = await withJob('compose', 'ERA selector composed with the standard model', (jobId, progress) =>
    worker().compose(jobId, figure1ModelId('era'), figure1ModelId('standard'), evaluation, FIGURE1_PRESET.evalSet, progressProxy(progress)),
  );
  if (view) useStore.setState({ composition: view });
  return view !== null;
}
