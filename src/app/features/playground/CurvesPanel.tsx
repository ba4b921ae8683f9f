/** Live training curves of the active model. */
import { TrainingCurves } from '../../plots/TrainingCurves';
import { useStore } from '../../state/store';
import { Section } from '../../ui/Section';

const EMPTY: never[] = [];

export function CurvesPanel() {
  const id = useStore((s) => s.activeModelId);
  const history = useStore((s) => (id ? s.histories[id] ?? EMPTY : EMPTY));
  return (
    <Section title="Training curves" testId="curves">
      {history.length ? null : <p className="hint">Curves appear after the first epoch.</p>}
      <TrainingCurves history={history} />
    </Section>
  );
}
