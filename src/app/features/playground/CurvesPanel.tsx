/** Live training curves of the active model. */
import { useMemo } from 'react';
import { Plot } from '../../plots/Plot';
import { accuracyTraces, curveLayout, lossTraces } from '../../plots/curves';
import { useStore } from '../../state/store';
import { Section } from '../../ui/Section';

const EMPTY: never[] = [];

export function CurvesPanel() {
  const id = useStore((s) => s.activeModelId);
  const history = useStore((s) => (id ? s.histories[id] ?? EMPTY : EMPTY));
  const loss = useMemo(() => lossTraces(history), [history]);
  const acc = useMemo(() => accuracyTraces(history), [history]);
  const lossLayout = useMemo(() => curveLayout('loss'), []);
  const accLayout = useMemo(() => curveLayout('accuracy (%)', [0, 100]), []);
  return (
    <Section title="Training curves" testId="curves">
      {history.length ? null : <p className="hint">Curves appear after the first epoch.</p>}
      <Plot data={loss} layout={lossLayout} className="plot curve" testId="loss-plot" />
      <Plot data={acc} layout={accLayout} className="plot curve" testId="accuracy-plot" />
    </Section>
  );
}
