/**
 * The page's Rectified Rejection view (Pang et al.): which model, the evaluation settings
 * (attacks, TPR, seed), the live display controls (ξ and τ sliders, which sets are shown), and
 * the evaluation that the worker returns. A store of its own beside the main one.
 */
import { create } from 'zustand';
import {
  type AdaptiveObjective,
  type RejectionEvalConfig,
  COUPLED_PRESET_MODEL_ID,
  COUPLED_REJECTION_PRESET,
  REJECTION_CLEAN_SETTING,
  adaptiveSetting,
  defaultRejectionEvalConfig,
  pgdSetting,
  rejectionEvalErrorList,
  validateRejectionEvalConfig,
} from '../../../core/settings';
import type { RConGridView, RejectionEvaluationView } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { progressProxy, withJob } from '../../state/jobs';
import { sourceOfKey } from '../../state/modelSource';
import { trainModel } from '../../state/playgroundModels';
import { useStore } from '../../state/store';
import { type ModelKind, modelKey } from '../../../../workers/protocol';

export type { AdaptiveObjective };

export interface RconSettings {
  count: number;
  /** The two l_inf radii and the l_2 radius of the PGD sets (Pang et al.: 8/255, 16/255, 128/255). */
  eps: number;
  eps2: number;
  l2eps: number;
  steps: number;
  /** Adaptive objectives to run at eps (l_inf). */
  adaptive: AdaptiveObjective[];
  eta: number;
  /** R-Con's temperature inside the adaptive attacks: the model's RR training τ, or 1 (the authors' attack). */
  attackTau: 'model' | 'one';
  tpr: number;
  seed: number;
}


export const RCON_SETTINGS_DEFAULTS: Record<ModelKind, RconSettings> = {
  '2d': { count: 1000, eps: 0.1, eps2: 0.2, l2eps: 0.2, steps: 10, adaptive: ['ce-logrcon'], eta: 1, attackTau: 'model', tpr: 0.95, seed: 0 },
  image: { count: 500, eps: 8 / 255, eps2: 16 / 255, l2eps: 128 / 255, steps: 10, adaptive: ['ce-logrcon'], eta: 1, attackTau: 'model', tpr: 0.95, seed: 0 },
};

interface RconState {
  sourceKey: string | null;
  settings: Record<ModelKind, RconSettings>;
  /** ξ of Theorem 1 and the temperature τ at which Con and R-Con are read (both live). */
  xi: number;
  temperature: number;
  /** Ids of the sets drawn on the scatter plot, and the set of the ROC / coverage curves. */
  shown: string[];
  curveSet: string | null;
  evaluation: RejectionEvaluationView | null;
  grid: RConGridView | null;
  set: (kind: ModelKind, patch: Partial<RconSettings>) => void;
}

export const useRcon = create<RconState>((setState) => ({
  sourceKey: null,
  settings: structuredClone(RCON_SETTINGS_DEFAULTS),
  xi: 0.2,
  temperature: 1,
  shown: ['clean'],
  curveSet: null,
  evaluation: null,
  grid: null,
  set: (kind, patch) => setState((s) => ({ settings: { ...s.settings, [kind]: { ...s.settings[kind], ...patch } } })),
}));

/** The evaluation config of the settings for one kind of data. */
export function rconEvalConfig(kind: ModelKind, s: RconSettings): RejectionEvalConfig {
  const base = defaultRejectionEvalConfig(kind);
  return {
    ...base,
    count: s.count,
    tpr: s.tpr,
    seed: s.seed,
    settings: [
      REJECTION_CLEAN_SETTING,
      pgdSetting('linf', s.eps, s.steps, kind),
      pgdSetting('linf', s.eps2, s.steps, kind),
      pgdSetting('l2', s.l2eps, s.steps, kind),
      // Without attackTemperature the worker attacks R-Con at the model's training τ.
      ...s.adaptive.map((o) => {
        const setting = adaptiveSetting(o, 'linf', s.eps, { eta: s.eta, steps: s.steps, dataKind: kind });
        return s.attackTau === 'one' ? { ...setting, attackTemperature: 1, label: `${setting.label} · R-Con at τ=1` } : setting;
      }),
    ],
  };
}

/** The problems with the settings, one message each. */
export function rconProblems(kind: ModelKind, s: RconSettings): string[] {
  return rejectionEvalErrorList(validateRejectionEvalConfig(rconEvalConfig(kind, s)));
}

export async function runRconEvaluation(): Promise<void> {
  const { sourceKey, settings } = useRcon.getState();
  const { pushMessage } = useStore.getState();
  const src = sourceOfKey(sourceKey);
  if (!src) return pushMessage('error', 'Choose a trained model first (train one with Rectified Rejection in the Playground or the Images view).');
  const kind: ModelKind = src.is2d ? '2d' : 'image';
  const problems = rconProblems(kind, settings[kind]);
  if (problems.length) return pushMessage('error', `Evaluation settings refused: ${problems.join('; ')}.`);
  const view = await withJob('rejection-eval', `Evaluating the rejectors of ${src.name}`, (jobId, progress) =>
    worker().evaluateRejection(jobId, src.source, rconEvalConfig(kind, settings[kind]), progressProxy(progress)),
  );
  if (!view) return;
  const adversarial = view.sets.find((s) => s.adversarial);
  useRcon.setState({
    evaluation: view,
    temperature: view.trainedTemperature ?? 1,
    shown: ['clean', ...(adversarial ? [adversarial.id] : [])],
    curveSet: adversarial?.id ?? 'clean',
  });
  if (view.skipped.length) pushMessage('info', `Not run: ${view.skipped.map((s) => `${s.label} (${s.reason})`).join('; ')}.`);
  if (src.is2d && view.heads === 'rr') {
    const grid = await worker().rConGrid(src.source.modelId, 80);
    useRcon.setState({ grid });
  } else useRcon.setState({ grid: null });
}

/**
 * The preset "Coupled rejection — Pang et al., Figure 1": train its RR model, then evaluate it and
 * show the PGD-10 set on the scatter (as the figure does).
 */
export async function runCoupledPreset(overrides: { epochs?: number; size?: number } = {}): Promise<boolean> {
  const p = COUPLED_REJECTION_PRESET;
  const config = structuredClone(p.config);
  if (overrides.epochs) config.training.epochs = overrides.epochs;
  if (overrides.size) config.data.size = overrides.size;
  const summary = await withJob('preset', p.label, (jobId, progress) => trainModel(COUPLED_PRESET_MODEL_ID, `PGD-AT + RR (Pang et al., Fig. 1)`, config, progress, jobId));
  if (!summary || summary.epochsCompleted < config.training.epochs) return false;
  useRcon.setState((s) => ({ sourceKey: modelKey('2d', COUPLED_PRESET_MODEL_ID), xi: p.xi, settings: { ...s.settings, '2d': { ...s.settings['2d'], eps: p.eps, eps2: p.eps2, l2eps: p.l2eps } } }));
  await runRconEvaluation();
  const pgd = useRcon.getState().evaluation?.sets.find((s) => s.kind === 'pgd');
  if (pgd) useRcon.setState({ shown: [pgd.id], curveSet: pgd.id });
  return !!useRcon.getState().evaluation;
}
