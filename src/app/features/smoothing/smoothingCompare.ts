/**
 * "Compare training for smoothing": on the playground's data and model, train
 * the three smoothing-aware methods — Gaussian augmentation (Cohen et al.), CAT-RS (Jeong et al.),
 * CRA (Merkli et al.) — at the Smoothing view's σ, certify each on the test points, and, if asked,
 * add the Gaussian model with sample rejection (Sheikholeslami et al.): their certified-accuracy curves
 * end up on one plot. Each step is a job of its own; cancelling one stops the comparison.
 */
import { DATASET2D_INFO, type ExperimentConfig, METHOD_LABELS, validateExperiment } from '../../../core/settings';
import { COMPARE_METHODS, COMPARE_PRESET, compareWork } from './compareWork';
import { trainModel } from '../../state/playgroundModels';
import { jobWasCancelled, stoppedJobCount, withJob } from '../../state/jobs';
import { NOISE_REJECTION_SETTINGS_DEFAULTS, certifyWithNoiseRejection, trainNoiseRejection, useNoiseRejection } from './noiseRejection';
import { SMOOTHING_SETTINGS_DEFAULTS, runCertification, settingsProblems, useSmoothing } from './smoothing';
import { useStore } from '../../state/store';
import { modelKey } from '../../../../workers/protocol';


export const compareModelId = (method: (typeof COMPARE_METHODS)[number]) => `cmp-${method}`;

const lastRunStopped = () => {
  const runs = useSmoothing.getState().runs;
  return runs.length > 0 && runs[runs.length - 1].status === 'cancelled';
};

/** The preset's work on the Playground's data settings (its size and epochs, the rest as set there). */
export function presetWork(config: ExperimentConfig): number {
  const c = { ...config, data: { ...config.data, size: COMPARE_PRESET.playground['data.size'] }, training: { ...config.training, epochs: COMPARE_PRESET.playground['training.epochs'] } };
  return compareWork(c, { ...SMOOTHING_SETTINGS_DEFAULTS, ...COMPARE_PRESET.smoothing }, { ...NOISE_REJECTION_SETTINGS_DEFAULTS, ...COMPARE_PRESET.rejection }, true);
}

/** The smoothing preset: the comparison, with sample rejection, at the preset's size. Resolves true when every part ran. */
export async function runSmoothingPreset(): Promise<boolean> {
  const s = useStore.getState();
  for (const [path, value] of Object.entries(COMPARE_PRESET.playground)) s.setField(path, value);
  useSmoothing.setState((st) => ({ settings: { ...SMOOTHING_SETTINGS_DEFAULTS, sigma: st.settings.sigma, ...COMPARE_PRESET.smoothing } }));
  useNoiseRejection.setState({ settings: { ...NOISE_REJECTION_SETTINGS_DEFAULTS, ...COMPARE_PRESET.rejection } });
  return runSmoothingComparison(true);
}

/** Trains and certifies the three methods (and the Gaussian model with rejection); resolves true when every part ran. */
export async function runSmoothingComparison(withRejection: boolean): Promise<boolean> {
  const { config, pushMessage } = useStore.getState();
  const { settings } = useSmoothing.getState();
  const smoothingProblems = settingsProblems(settings);
  if (smoothingProblems.length) {
    pushMessage('error', `Smoothing settings refused: ${smoothingProblems.join('; ')}.`);
    return false;
  }
  const configs = COMPARE_METHODS.map((method) => ({ method, config: { ...config, training: { ...config.training, method, sigma: settings.sigma } } }));
  const problems = validateExperiment(configs[0].config);
  if (Object.keys(problems).length) {
    pushMessage('error', `Fix the playground settings first: ${Object.entries(problems).map(([k, v]) => `${k} ${v}`).join('; ')}.`);
    return false;
  }
  const stopped = stoppedJobCount();
  const data = DATASET2D_INFO[config.data.kind].label.split(' (')[0];
  const trained = await withJob('compare', `Training for smoothing on ${data}: Gaussian, CAT-RS, CRA (σ = ${settings.sigma})`, async (jobId, progress) => {
    for (const [i, { method, config: c }] of configs.entries()) {
      const name = `${METHOD_LABELS[method].split(' (')[0]} · σ=${settings.sigma} · ${data}`;
      const summary = await trainModel(compareModelId(method), name, c, (f, _eta, detail) => progress((i + f) / configs.length, null, `${name}: ${detail ?? ''}`), jobId);
      if (!summary || summary.epochsCompleted < c.training.epochs || jobWasCancelled(jobId)) return false;
    }
    return true;
  });
  if (!trained) return false;
  for (const { method } of configs) {
    useSmoothing.setState({ sourceKey: modelKey('2d', compareModelId(method)) });
    await runCertification('certify');
    if (lastRunStopped()) return false;
  }
  if (withRejection) {
    useSmoothing.setState({ sourceKey: modelKey('2d', compareModelId('gaussian')) });
    await trainNoiseRejection();
    await certifyWithNoiseRejection();
  }
  return stoppedJobCount() === stopped && !lastRunStopped();
}
