/**
 * Runs a lesson step's action with the page's own actions and jobs (progress bar and Cancel come
 * with them): it sets the settings the step needs and trains whatever model is missing first, so
 * that a step opened from a link works on a fresh page, and re-uses a model a previous step
 * already trained with the same settings.
 */
import { type ExperimentConfig, DATASET2D_INFO, METHOD_LABELS, COUPLED_PRESET_MODEL_ID, COUPLED_REJECTION_PRESET, defaultExperiment, setPath } from '../../../core/settings';
import { modelKey } from '../../../../workers/protocol';
import { useStore } from '../../state/store';
import { withJob } from '../../state/jobs';
import { modelIdFor, trainModel } from '../../state/playgroundModels';
import { composeSelected, evaluateModel, trainPlayground } from '../playground/playgroundActions';
import { runFigure1 } from '../figure1/figure1Actions';
import { SMOOTHING_SETTINGS_DEFAULTS, runCertification, runSmoothedGrid, useSmoothing } from '../smoothing/smoothing';
import { NOISE_REJECTION_SETTINGS_DEFAULTS, certifyWithNoiseRejection, trainNoiseRejection, useNoiseRejection } from '../smoothing/noiseRejection';
import { runCoupledPreset, useRcon } from '../rcon/rconRejection';
import { pgdInJob, useVerification, verifyInJob } from '../verification/verification';
import { runAbstainRuns } from '../verification/verificationPreset';
import type { ConfigPatch, LessonAction } from './lessonTypes';

/** The defaults with a step's settings on top. */
export function configOf(patch: ConfigPatch): ExperimentConfig {
  return Object.entries(patch).reduce((c, [path, value]) => setPath(c, path, value), defaultExperiment());
}

/** Whether two configs train the same model (the evaluation attack may differ). */
function sameTraining(a: ExperimentConfig, b: ExperimentConfig): boolean {
  return JSON.stringify([a.seed, a.data, a.model, a.training]) === JSON.stringify([b.seed, b.data, b.model, b.training]);
}

/**
 * The playground model of `config` (id "pg-<method>", as the Train button names it), trained
 * now unless it exists with these settings. Null when training failed or was cancelled.
 */
async function ensureModel(config: ExperimentConfig): Promise<string | null> {
  const id = modelIdFor('pg', config);
  const existing = useStore.getState().models[id];
  if (existing && sameTraining(existing.config, config) && existing.epochsCompleted >= config.training.epochs) return id;
  const name = `${METHOD_LABELS[config.training.method].split(' (')[0]} · ${DATASET2D_INFO[config.data.kind].label.split(' (')[0]}`;
  const summary = await withJob('train', `Training ${name}`, (jobId, progress) => trainModel(id, name, config, progress, jobId));
  return summary && summary.epochsCompleted >= config.training.epochs ? id : null;
}

/** Puts a config in the settings panels (and the URL) and trains-and-attacks it like the Train button, or only attacks when its model exists. */
async function playground(config: ExperimentConfig): Promise<string | null> {
  useStore.getState().setConfig(config);
  const id = modelIdFor('pg', config);
  const existing = useStore.getState().models[id];
  if (existing && sameTraining(existing.config, config) && existing.epochsCompleted >= config.training.epochs) {
    useStore.setState({ activeModelId: id });
    await evaluateModel(id, config.evaluation);
  } else {
    await trainPlayground();
  }
  return useStore.getState().evaluations[id] ? id : null;
}

async function smoothing(config: ExperimentConfig, patch: object, runs: Array<'grid' | 'certify'>): Promise<void> {
  const id = await ensureModel(config);
  if (!id) return;
  useSmoothing.setState({ sourceKey: modelKey('2d', id), settings: { ...SMOOTHING_SETTINGS_DEFAULTS, ...patch } });
  for (const run of runs) {
    if (run === 'grid') await runSmoothedGrid();
    else await runCertification('certify');
  }
}

/** Whether the latest certification of a model (plain or with rejection) finished at the current σ. */
function certified(sourceKey: string, withRejection: boolean): boolean {
  const { runs, settings } = useSmoothing.getState();
  return runs.some((r) => r.origin === 'here' && r.source && modelKey(r.source.kind, r.source.modelId) === sourceKey && !!r.rejection === withRejection && r.sigma === settings.sigma && r.status === 'done');
}

async function sampleRejection(action: Extract<LessonAction, { kind: 'sample-rejection' }>): Promise<void> {
  const id = await ensureModel(configOf(action.config));
  if (!id) return;
  const key = modelKey('2d', id);
  useSmoothing.setState({ sourceKey: key, settings: { ...SMOOTHING_SETTINGS_DEFAULTS, ...action.smoothing } });
  useNoiseRejection.setState({ settings: { ...NOISE_REJECTION_SETTINGS_DEFAULTS, ...action.rejection } });
  const sigma = useSmoothing.getState().settings.sigma;
  const hasSystem = () => useNoiseRejection.getState().systems[key]?.settings.sigma === sigma;
  if (action.run === 'plain' || (action.run === 'certify' && !certified(key, false))) await runCertification('certify');
  if (action.run === 'train' || (action.run === 'certify' && !hasSystem())) await trainNoiseRejection();
  if (action.run === 'certify' && hasSystem()) await certifyWithNoiseRejection();
}

async function rectified(action: Extract<LessonAction, { kind: 'rectified' }>): Promise<void> {
  const evaluated = useRcon.getState().evaluation?.source;
  const fresh = evaluated?.kind === '2d' && evaluated.modelId === COUPLED_PRESET_MODEL_ID && !!useStore.getState().models[COUPLED_PRESET_MODEL_ID];
  if (!fresh) await runCoupledPreset({ size: action.size, epochs: action.epochs });
  const evaluation = useRcon.getState().evaluation;
  if (!evaluation) return;
  // The l∞ PGD set at the larger radius (twice the training eps): on toy data the smaller one leaves few wrong answers to reject.
  const pgd = evaluation.sets.filter((s) => s.kind === 'pgd' && s.setting.norm === 'linf').sort((a, b) => b.setting.eps - a.setting.eps)[0];
  const set = (action.set === 'adaptive' ? evaluation.sets.find((s) => s.kind === 'adaptive') : pgd) ?? pgd;
  useRcon.setState({
    xi: action.xi ?? COUPLED_REJECTION_PRESET.xi,
    temperature: action.temperature ?? evaluation.trainedTemperature ?? 1,
    ...(set ? { shown: [set.id], curveSet: set.id } : {}),
  });
}

/** One IBP model, verified with IBP and CROWN and attacked with PGD under the abstain rule, in one job. */
async function verify(config: ExperimentConfig): Promise<void> {
  const id = await ensureModel(config);
  if (!id) return;
  const key = modelKey('2d', id);
  useVerification.setState({ sourceKey: key });
  const { iterations } = useVerification.getState().settings['2d'];
  const eps = config.training.attack.eps;
  const a = config.evaluation.attack;
  await withJob('verify', `Verifying and attacking ${useStore.getState().models[id].name} (eps ${eps})`, async (jobId, progress) => {
    await verifyInJob(jobId, key, { eps, bounds: ['ibp', 'crown'], iterations, count: 100000 }, (f, eta, d) => progress(f / 2, eta, d));
    await pgdInJob(jobId, key, { eps, steps: a.steps, restarts: a.restarts, count: 100000, seed: config.seed }, (f, eta, d) => progress(0.5 + f / 2, eta, d));
  });
}

export async function runLessonAction(action: LessonAction): Promise<void> {
  switch (action.kind) {
    case 'playground':
      if (action.display) useStore.getState().setDisplay(action.display);
      await playground(configOf(action.config));
      return;
    case 'compose': {
      const robust = configOf({ ...action.config, ...action.robust });
      const core = configOf({ ...action.config, ...action.core });
      const robustId = await ensureModel(robust);
      const coreId = robustId ? await ensureModel(core) : null;
      if (!robustId || !coreId) return;
      useStore.getState().setConfig(robust);
      useStore.setState({ compose: { robustId, coreId }, activeModelId: robustId });
      await composeSelected();
      return;
    }
    case 'figure1':
      await runFigure1({ size: action.size, epochs: action.epochs });
      return;
    case 'smoothing':
      await smoothing(configOf(action.config), action.smoothing, action.run);
      return;
    case 'smoothing-methods':
      for (const method of action.methods) {
        const config = configOf({ ...action.config, 'training.method': method });
        const before = useSmoothing.getState().runs.length;
        await smoothing(config, action.smoothing, ['certify']);
        if (useSmoothing.getState().runs.length === before) return;
      }
      return;
    case 'sample-rejection':
      await sampleRejection(action);
      return;
    case 'rectified':
      await rectified(action);
      return;
    case 'verify':
      await verify(configOf(action.config));
      return;
    case 'abstain-preset':
      await runAbstainRuns('preset', { epochs: action.epochs });
      return;
  }
}
