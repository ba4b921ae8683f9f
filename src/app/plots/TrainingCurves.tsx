/** A model's loss and accuracy per epoch, live while it trains (shared by the Playground and the Images view). */
import { useMemo } from 'react';
import type { EpochStats } from '../../core/settings';
import { CanvasPlot } from './CanvasPlot';
import { accuracyTraces, curveLayout, epochAxisTop, lossAxisTop, lossTraces } from './curves';

export function TrainingCurves({ history, testIdPrefix = '' }: { history: EpochStats[]; testIdPrefix?: string }) {
  const loss = useMemo(() => lossTraces(history), [history]);
  const acc = useMemo(() => accuracyTraces(history), [history]);
  const xTop = epochAxisTop(history);
  const yTop = lossAxisTop(history);
  const lossLayout = useMemo(() => curveLayout('loss', xTop, yTop), [xTop, yTop]);
  const accLayout = useMemo(() => curveLayout('accuracy (%)', xTop, 100), [xTop]);
  return (
    <>
      <CanvasPlot traces={loss} layout={lossLayout} region={null} className="plot curve" testId={`${testIdPrefix}loss-plot`} />
      <CanvasPlot traces={acc} layout={accLayout} region={null} className="plot curve" testId={`${testIdPrefix}accuracy-plot`} />
    </>
  );
}
