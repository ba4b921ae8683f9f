/**
 * The getting-started buttons of a view that has no model yet: its preset (with the expected
 * duration) and a quick model trained for it in the Playground.
 */
import type { ReactNode } from 'react';
import { useStore } from '../state/store';
import { PresetButton } from './PresetButton';
import { type QuickModelFor, trainQuickModel } from '../features/playground/quickModels';

export function QuickStart({ view, preset }: { view: QuickModelFor; preset?: ReactNode }) {
  const hasModel = useStore((s) => Object.keys(s.models).length > 0 || Object.keys(s.imageModels).length > 0);
  if (hasModel) return null;
  return (
    <div className="view-start" data-testid={`intro-${view}-start`}>
      <span className="hint">No trained model yet:</span>
      {preset}
      <PresetButton run={{ preset: `quick-${view}`, work: 1 }} testId={`quick-model-${view}`} primary={!preset} onRun={() => trainQuickModel(view)} title="Trains a small model with the method this view needs, in the Playground's settings (kept there, so you can change and retrain it).">
        Train a quick model for this view
      </PresetButton>
    </div>
  );
}
