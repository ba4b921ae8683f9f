/**
 * The page's denoised smoothing with sample rejection (Sheikholeslami et al.): the
 * training settings of the denoiser D and the rejectors h_k, the trained systems per smoothing
 * source (the worker holds the weights; the page its summary and loss history), and the
 * certification runs with rejection, added to the smoothing runs so that their certified-accuracy
 * curves share the plot with plain smoothing. σ, n0, n, alpha, batch size, seed, inputs and skip
 * are the Randomized smoothing settings (one σ for training and certifying).
 */
import { create } from 'zustand';
import type { RejectionSystemView, RejectionTrainSettings, RejectionTrainUpdate } from '../../../../workers/protocol';
import { type FieldRule, namedFieldProblems } from '../../../core/settings';
import { proxy, worker } from '../../workerClient';
import { progressProxy, withJob } from '../../state/jobs';
import { type CertRun, certifyOptionsOf, nextRunId, settingsProblems, streamRun, useSmoothing } from './smoothing';
import { useStore } from '../../state/store';
import { sourceOfKey } from '../../state/modelSource';

export interface NoiseRejectionSettings {
  denoiserEpochs: number;
  denoiserLearningRate: number;
  stability: boolean;
  stabilityEpochs: number;
  rejectorEpochs: number;
  rejectorLearningRate: number;
  /** T: noise draws per training input for the rejectors. */
  noiseDraws: number;
  trainBatchSize: number;
  trainMax: number;
  threshold: number;
  splitAlpha: boolean;
}

/**
 * Few epochs, so that a system trains in a browser in seconds to minutes (the papers: 90 + 20
 * denoiser epochs, 20 rejector epochs). T = 20, threshold 0.5 and splitAlpha off are the core's
 * defaults (REJECTOR_TRAINING_DEFAULTS, NOISE_REJECTION_DEFAULTS), which import tfjs and so
 * cannot be read on the page.
 */
export const NOISE_REJECTION_SETTINGS_DEFAULTS: NoiseRejectionSettings = {
  denoiserEpochs: 20,
  denoiserLearningRate: 1e-3,
  stability: false,
  stabilityEpochs: 5,
  rejectorEpochs: 10,
  rejectorLearningRate: 1e-3,
  noiseDraws: 20,
  trainBatchSize: 32,
  trainMax: 1000,
  threshold: 0.5,
  splitAlpha: false,
};

export type NumericNoiseRejectionSetting = Exclude<keyof NoiseRejectionSettings, 'stability' | 'splitAlpha'>;

/** What each numeric setting allows (the zod field rules of the configs); the worker checks them again. */
const SETTING_RULES: Record<NumericNoiseRejectionSetting, FieldRule> = {
  denoiserEpochs: { type: 'int', min: 0, max: 10_000 },
  stabilityEpochs: { type: 'int', min: 0, max: 10_000 },
  rejectorEpochs: { type: 'int', min: 1, max: 10_000 },
  noiseDraws: { type: 'int', min: 1, max: 1000 },
  trainBatchSize: { type: 'int', min: 1, max: 100_000 },
  trainMax: { type: 'int', min: 1, max: 1_000_000 },
  denoiserLearningRate: { type: 'num', min: 0, max: 100, minExclusive: true },
  rejectorLearningRate: { type: 'num', min: 0, max: 100, minExclusive: true },
  threshold: { type: 'num', min: 0, max: 1 },
};

const SETTING_NAMES: Record<NumericNoiseRejectionSetting, string> = {
  denoiserEpochs: 'denoiser epochs',
  stabilityEpochs: 'stability epochs',
  rejectorEpochs: 'rejector epochs',
  noiseDraws: 'noise draws T',
  trainBatchSize: 'batch size',
  trainMax: 'training inputs',
  denoiserLearningRate: 'learning rate',
  rejectorLearningRate: 'learning rate',
  threshold: 'threshold',
};

/** The problem with each bad setting (absent when usable): `noise draws T must be between 1 and 1000 (got 0)`. */
export function noiseRejectionSettingProblems(s: NoiseRejectionSettings): Partial<Record<NumericNoiseRejectionSetting, string>> {
  return namedFieldProblems(SETTING_RULES, s, SETTING_NAMES);
}

export interface EpochLoss {
  part: RejectionTrainUpdate['part'];
  stage: string;
  epoch: number;
  loss: number;
}

interface NoiseRejectionState {
  settings: NoiseRejectionSettings;
  /** Trained systems by smoothing source key ('2d:<id>' / 'image:<id>'). */
  systems: Record<string, RejectionSystemView>;
  /** Epoch losses of the training in progress (or the last one), and its source key. */
  live: { key: string; losses: EpochLoss[] } | null;
  /** The rejection run the histogram shows (null: the latest). */
  selectedRunId: string | null;
  set: (patch: Partial<NoiseRejectionSettings>) => void;
}

export const useNoiseRejection = create<NoiseRejectionState>((setState) => ({
  settings: NOISE_REJECTION_SETTINGS_DEFAULTS,
  systems: {},
  live: null,
  selectedRunId: null,
  set: (patch) => setState((s) => ({ settings: { ...s.settings, ...patch } })),
}));

/** The chosen source, or a message saying why nothing can run (bad settings, no model). */
function checkedSource(): { src: NonNullable<ReturnType<typeof sourceOfKey>>; key: string } | string {
  const { settings, sourceKey } = useSmoothing.getState();
  const problems = [...settingsProblems(settings), ...Object.values(noiseRejectionSettingProblems(useNoiseRejection.getState().settings))];
  if (problems.length) return `Settings refused: ${problems.join('; ')}.`;
  const src = sourceOfKey(sourceKey);
  if (!src || !sourceKey) return 'Choose a trained model to smooth first (train one in the Playground or the Images view).';
  return { src, key: sourceKey };
}

/** Trains D and the rejectors for the chosen model at the smoothing σ; epoch losses stream in. */
export async function trainNoiseRejection(): Promise<void> {
  const { pushMessage } = useStore.getState();
  const checked = checkedSource();
  if (typeof checked === 'string') return pushMessage('error', checked);
  const { src, key } = checked;
  const smoothing = useSmoothing.getState().settings;
  const r = useNoiseRejection.getState().settings;
  const settings: RejectionTrainSettings = {
    sigma: smoothing.sigma,
    seed: smoothing.seed,
    trainMax: r.trainMax,
    batchSize: r.trainBatchSize,
    denoiserEpochs: r.denoiserEpochs,
    denoiserLearningRate: r.denoiserLearningRate,
    stabilityEpochs: r.stability ? r.stabilityEpochs : 0,
    rejectorEpochs: r.rejectorEpochs,
    rejectorLearningRate: r.rejectorLearningRate,
    noiseDraws: r.noiseDraws,
    threshold: r.threshold,
  };
  useNoiseRejection.setState({ live: { key, losses: [] } });
  const onUpdate = (u: RejectionTrainUpdate) =>
    useNoiseRejection.setState((s) => (s.live?.key === key ? { live: { key, losses: [...s.live.losses, { part: u.part, stage: u.stats.stage, epoch: u.stats.epoch, loss: u.stats.loss }] } } : {}));
  const view = await withJob('rejection-train', `Training denoiser + rejectors for ${src.name} (σ = ${smoothing.sigma})`, (jobId, progress) =>
    worker().trainRejectionSystem(jobId, src.source, settings, proxy(onUpdate), progressProxy(progress)),
  );
  if (!view) return;
  if (view.stored) useNoiseRejection.setState((s) => ({ systems: { ...s.systems, [key]: view } }));
  pushMessage(view.status === 'diverged' ? 'error' : 'info', `Denoiser + rejectors for ${src.name}: ${view.message}`);
}

/** CERTIFY of g_R on the chosen model's test inputs with its trained system; added to the smoothing runs. */
export async function certifyWithNoiseRejection(): Promise<void> {
  const { pushMessage } = useStore.getState();
  const checked = checkedSource();
  if (typeof checked === 'string') return pushMessage('error', checked);
  const { src, key } = checked;
  const system = useNoiseRejection.getState().systems[key];
  if (!system) return pushMessage('error', `${src.name} has no denoiser and rejectors yet: press "Train denoiser + rejectors" first.`);
  const settings = useSmoothing.getState().settings;
  if (system.settings.sigma !== settings.sigma) {
    return pushMessage('error', `The denoiser and rejectors of ${src.name} were trained at σ = ${system.settings.sigma}: certify at that σ, or train them again at σ = ${settings.sigma}.`);
  }
  const { threshold, splitAlpha } = useNoiseRejection.getState().settings;
  const options = { ...certifyOptionsOf(settings), threshold, splitAlpha };
  const run: CertRun = {
    id: nextRunId(),
    name: `${src.name} · σ=${settings.sigma} · with rejection`,
    mode: 'certify',
    origin: 'here',
    sigma: settings.sigma,
    options,
    source: src.source,
    rows: [],
    status: 'running',
    planned: settings.max,
    rejection: { threshold, splitAlpha },
  };
  useNoiseRejection.setState({ selectedRunId: null });
  const request = { mode: 'certify' as const, options, skip: settings.skip, max: settings.max };
  await streamRun(run, 'rejection-certify', `Certifying ${src.name} with rejection (σ = ${settings.sigma})`, (jobId, onRow, progress) =>
    worker().certifyRejectionSet(jobId, src.source, request, proxy(onRow), progressProxy(progress)),
  );
}

/** Frees the chosen model's system in the worker. */
export async function forgetNoiseRejection(): Promise<void> {
  const { sourceKey } = useSmoothing.getState();
  const src = sourceOfKey(sourceKey);
  if (!src || !sourceKey) return;
  await worker().dropRejectionSystem(src.source);
  useNoiseRejection.setState((s) => {
    const systems = { ...s.systems };
    delete systems[sourceKey];
    return { systems, live: s.live?.key === sourceKey ? null : s.live };
  });
}
