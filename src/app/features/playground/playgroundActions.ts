/** The playground's actions: train, attack, grid split, compose and forget 2-D models. */
import { type EvaluationConfig, ATTACK_LABELS, METHOD_LABELS, DATASET2D_INFO } from '../../../core/settings';
import type { EvalSet } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { fieldsValid, useStore } from '../../state/store';
import { progressProxy, withJob } from '../../state/jobs';
import { recordRun } from '../../state/library';
import { clearViews, modelIdFor, trainModel } from '../../state/playgroundModels';

const EVAL_FIELDS = ['evaluation'];

/** Train button of the playground. */
export async function trainPlayground(): Promise<void> {
  const { config, fieldErrors, pushMessage } = useStore.getState();
  if (Object.keys(fieldErrors).length) {
    pushMessage('error', 'Fix the highlighted settings before training.');
    return;
  }
  const modelId = modelIdFor('pg', config);
  const name = `${METHOD_LABELS[config.training.method].split(' (')[0]} · ${DATASET2D_INFO[config.data.kind].label.split(' (')[0]}`;
  useStore.setState({ activeModelId: modelId });
  const summary = await withJob('train', `Training ${name}`, (jobId, progress) => trainModel(modelId, name, config, progress, jobId));
  if (summary) await evaluateModel(modelId);
}

/** Runs the 4-way split of one model's evaluation set under the current attack settings. */
export async function evaluateModel(modelId: string, evaluation?: EvaluationConfig, set?: EvalSet): Promise<void> {
  const { config, fieldErrors, display, pushMessage, models } = useStore.getState();
  if (!evaluation && !fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings before evaluating.');
    return;
  }
  const name = models[modelId]?.name ?? modelId;
  const view = await withJob('eval', `Attacking ${name}`, (jobId, progress) =>
    worker().evaluate(jobId, modelId, evaluation ?? config.evaluation, set ?? display.evalSet, progressProxy(progress)),
  );
  if (view) {
    useStore.setState({ evaluations: { ...useStore.getState().evaluations, [modelId]: view } });
    const sp = view.split;
    const a = view.attack;
    await recordRun(
      `${name} · ${ATTACK_LABELS[a.kind]} ${a.norm} eps ${a.eps}`,
      { model: name, set: view.set, n: sp.n, naturalAccuracy: sp.naturalAccuracy, robustAccuracy: sp.robustAccuracy, robustInaccuracy: sp.robustInaccuracy },
      { model: models[modelId]?.config ?? null, attack: a, set: view.set, counts: sp.counts, fractions: sp.fractions, elapsedMs: view.elapsedMs },
    );
  }
}

/** 4-way split of the whole grid (against the generator's noise-free labels). */
export async function gridSplitModel(modelId: string): Promise<void> {
  const { config, fieldErrors, pushMessage, models } = useStore.getState();
  if (!fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings first.');
    return;
  }
  const name = models[modelId]?.name ?? modelId;
  const view = await withJob('grid', `Grid robustness of ${name}`, (jobId, progress) =>
    worker().gridSplit(jobId, modelId, config.evaluation, progressProxy(progress)),
  );
  if (view) {
    useStore.setState({ gridSplits: { ...useStore.getState().gridSplits, [modelId]: view } });
    useStore.getState().setDisplay({ showGridSplit: true });
  }
}

/** The robustness-indicator selector on the robust model, composed with the core model. */
export async function composeSelected(): Promise<void> {
  const { compose, config, fieldErrors, display, pushMessage } = useStore.getState();
  if (!compose.robustId || !compose.coreId) {
    pushMessage('error', 'Choose a robust model and a core model first.');
    return;
  }
  if (!fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings first.');
    return;
  }
  const { robustId, coreId } = compose;
  const view = await withJob('compose', 'Selector and composition', (jobId, progress) =>
    worker().compose(jobId, robustId, coreId, config.evaluation, display.evalSet, progressProxy(progress)),
  );
  if (view) useStore.setState({ composition: view });
}

export function forgetModel(modelId: string): void {
  void worker().deleteModel(modelId);
  clearViews(modelId, true);
  const s = useStore.getState();
  const models = { ...s.models };
  delete models[modelId];
  useStore.setState({ models, activeModelId: s.activeModelId === modelId ? null : s.activeModelId });
}

