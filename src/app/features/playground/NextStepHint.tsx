/** After a playground run: one suggested next step, with a button that takes it. */
import { useStore } from '../../state/store';
import { useBusy } from '../../ui/useBusy';
import { nextStepAfter } from './nextStep';
import { trainPlayground } from './playgroundActions';

export function NextStepHint() {
  const busy = useBusy();
  const active = useStore((s) => s.activeModelId);
  const method = useStore((s) => (active ? s.models[active]?.method : undefined));
  const evaluated = useStore((s) => (active ? !!s.evaluations[active] : false));
  if (!method || !evaluated) return null;
  const step = nextStepAfter(method);
  if (!step) return null;
  const take = () => {
    const s = useStore.getState();
    if (step.view) return s.setView(step.view);
    if (step.method) {
      s.setField('training.method', step.method);
      void trainPlayground();
    }
  };
  return (
    <div className="next-step" data-testid="next-step">
      <strong>Next:</strong> {step.text}{' '}
      <button type="button" disabled={busy} onClick={take} data-testid="next-step-run">
        {step.action}
      </button>
    </div>
  );
}
