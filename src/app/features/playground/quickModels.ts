/**
 * "Train a quick model for this view": a small playground run with the method a view needs (the
 * settings go into the Playground, so the model is reproducible from there), after which the
 * view's model picker takes the newest model.
 */
import { useStore } from '../../state/store';
import { trainPlayground } from './playgroundActions';

export type QuickModelFor = 'smoothing' | 'rejection' | 'verify';

const QUICK: Record<QuickModelFor, Record<string, unknown>> = {
  smoothing: { 'training.method': 'gaussian', 'training.sigma': 0.25, 'data.size': 500, 'training.epochs': 8 },
  rejection: { 'training.method': 'rr-pgd-at', 'data.size': 500, 'training.epochs': 8 },
  verify: { 'training.method': 'ibp', 'data.size': 500, 'training.epochs': 10 },
};

export async function trainQuickModel(view: QuickModelFor): Promise<boolean> {
  const s = useStore.getState();
  for (const [path, value] of Object.entries(QUICK[view])) s.setField(path, value);
  await trainPlayground();
  const active = useStore.getState().activeModelId;
  return !!active && !!useStore.getState().evaluations[active];
}
