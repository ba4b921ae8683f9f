/**
 * "Compare training for smoothing": on the playground's data and model, train
 * the three smoothing-aware methods — Gaussian augmentation (Cohen et al.), CAT-RS (Jeong et al.),
 * CRA (Merkli et al.) — at the Smoothing view's σ, certify each on the test points, and, if asked,
 * add the Gaussian model with sample rejection (Sheikholeslami et al.): their certified-accuracy curves
 * end up on one plot. Each step is a job of its own; cancelling one stops the comparison.
 */
import { DATASET2D_INFO, METHOD_LABELS, type TrainingMethodName, validateExperiment } from '../../../core/settings';
import { trainModel } from '../../state/playgroundModels';
import { jobWasCancelled, withJob } from '../../state/jobs';
import { certifyWithNoiseRejection, trainNoiseRejection } from './noiseRejection';
import { runCertification, settingsProblems, useSmoothing } from './smoothing';
import { useStore } from '../../state/store';
import { modelKey } from '../../../../workers/protocol';

export const COMPARE_METHODS: readonly TrainingMethodName[] = ['gaussian', 'cat-rs', 'cra'];

export const compareModelId = (method: TrainingMethodName) => `cmp-${method}`;

const lastRunStopped = () => {
  const runs = useSmoothing.getState().runs;
  return runs.length > 0 && runs[runs.length - 1].status === 'cancelled';
};

export async function runSmoothingComparison(withRejection: boolean): Promise<void> {
  const { config, pushMessage } = useStore.getState();
  const { settings } = useSmoothing.getState();
  const smoothingProblems = settingsProblems(settings);
  if (smoothingProblems.length) return pushMessage('error', `Smoothing settings refused: ${smoothingProblems.join('; ')}.`);
  const configs = COMPARE_METHODS.map((method) => ({ method, config: { ...config, training: { ...config.training, method, sigma: settings.sigma } } }));
  const problems = validateExperiment(configs[0].config);
  if (Object.keys(problems).length) return pushMessage('error', `Fix the playground settings first: ${Object.entries(problems).map(([k, v]) => `${k} ${v}`).join('; ')}.`);
  const data = DATASET2D_INFO[config.data.kind].label.split(' (')[0];
  const trained = await withJob('compare', `Training for smoothing on ${data}: Gaussian, CAT-RS, CRA (σ = ${settings.sigma})`, async (jobId, progress) => {
    for (const [i, { method, config: c }] of configs.entries()) {
      const name = `${METHOD_LABELS[method].split(' (')[0]} · σ=${settings.sigma} · ${data}`;
      const summary = await trainModel(compareModelId(method), name, c, (f, _eta, detail) => progress((i + f) / configs.length, null, `${name}: ${detail ?? ''}`), jobId);
      if (!summary || summary.epochsCompleted < c.training.epochs || jobWasCancelled(jobId)) return false;
    }
    return true;
  });
  if (!trained) return;
  for (const { method } of configs) {
    useSmoothing.setState({ sourceKey: modelKey('2d', compareModelId(method)) });
    await runCertification('certify');
    if (lastRunStopped()) return;
  }
  if (!withRejection) return;
  useSmoothing.setState({ sourceKey: modelKey('2d', compareModelId('gaussian')) });
  await trainNoiseRejection();
  await certifyWithNoiseRejection();
}
