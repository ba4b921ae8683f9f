/**
 * The Verification view's plots (Baharlouei et al.): standard vs verified error with the trade-off sweep
 * (Fig. 2-3), the detections per abstain class (Fig. 4), and on 2-D data the decision regions
 * with each test point's eps-box, solid black where verified and dashed vermillion where not.
 */
import { useEffect, useMemo, useState } from 'react';
import { abstainOutputsOf, ABSTAIN_TRADEOFF_LAMBDAS } from '../../../core/settings';
import type { VerifyBound } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { loadDataset } from '../../state/playgroundModels';
import { datasetKey, useStore } from '../../state/store';
import { useVerification, verifyProblems } from './verification';
import { runAbstainRuns } from './verificationPreset';
import { Plot } from '../../plots/Plot';
import { boundsKey } from '../../plots/decisionRegions';
import { detectionLayout, detectionRows, detectionTraces } from './abstainDetections';
import { errorAxisTop, tradeoffLayout, tradeoffTraces } from './verifiedTradeoff';
import { boxCounts, verifiedBoxLayout, verifiedBoxRegion, verifiedBoxTraces, verifiedRegionTraces } from './verifiedBoxes';
import { CanvasPlot } from '../../plots/CanvasPlot';
import { Section } from '../../ui/Section';
import { playgroundModelIdOf } from '../../state/modelSource';
import { useBusy } from '../../ui/useBusy';

export function TradeoffPanel() {
  const rows = useVerification((s) => s.rows);
  const busy = useBusy();
  const iterationsBad = useVerification((s) => !!verifyProblems(s.settings['2d']).iterations);
  const traces = useMemo(() => tradeoffTraces(rows), [rows]);
  const xTop = errorAxisTop(traces, 'x');
  const yTop = errorAxisTop(traces, 'y');
  const layout = useMemo(() => tradeoffLayout(xTop, yTop), [xTop, yTop]);
  return (
    <Section title="Standard vs verified error (Fig. 2-3)" testId="verify-tradeoff">
      {traces.length ? <CanvasPlot traces={traces} layout={layout} region={null} testId="verify-tradeoff-plot" /> : null}
      <p className="hint">Each verified model adds a point: filled circles with IBP, open diamonds with CROWN (never above IBP's).</p>
      <p className="hint">
        The sweep trains M = 1 and M = 3 regularised models on the preset's data with λ ∈ {'{'}
        {ABSTAIN_TRADEOFF_LAMBDAS.join(', ')}
        {'}'} (the weight of Theorem 3's loss) and verifies each: a larger λ trades standard error for verified error.
      </p>
      <div className="run-buttons">
        <button type="button" data-testid="verify-sweep" disabled={busy || iterationsBad} title="Train and verify the ten models of the sweep (a few minutes on WASM; Cancel keeps the points made)." onClick={() => void runAbstainRuns('sweep')}>
          Trade-off sweep
        </button>
      </div>
    </Section>
  );
}

export function DetectionsPanel() {
  const rows = useVerification((s) => s.rows);
  const traces = useMemo(() => detectionTraces(rows), [rows]);
  const layout = useMemo(() => detectionLayout(traces), [traces]);
  const withPgd = rows.some((r) => r.pgd);
  if (!withPgd) return null;
  return (
    <Section title="Detections per abstain class (Fig. 4)" testId="verify-detections">
      {detectionRows(rows).length ? (
        <Plot data={traces} layout={layout} testId="verify-detect-plot" />
      ) : (
        <p className="hint">No model attacked so far has an abstain class (M = 0): nothing can be detected.</p>
      )}
      <p className="hint">Per model, the share of test inputs whose PGD point lands in each abstain class; without Eq. 16's regulariser the detections pile into one class.</p>
    </Section>
  );
}

/** The grid of a 2-D model: the one the playground keeps, or one asked for now. */
function useGrid(modelId: string | null) {
  const grid = useStore((s) => (modelId ? (s.grids[modelId] ?? null) : null));
  const hasModel = useStore((s) => !!(modelId && s.models[modelId]));
  useEffect(() => {
    if (!modelId || grid || !hasModel) return;
    void worker()
      .predictGrid(modelId)
      .then((g) => useStore.setState((s) => ({ grids: { ...s.grids, [modelId]: g } })))
      .catch(() => undefined);
  }, [modelId, grid, hasModel]);
  return grid;
}

export function BoxesPanel() {
  const row = useVerification((s) => s.rows.find((r) => r.key === s.focusKey && r.verify) ?? null);
  const boxBound = useVerification((s) => s.boxBound);
  const modelId = playgroundModelIdOf(row?.sourceKey);
  const model = useStore((s) => (modelId ? s.models[modelId] : undefined));
  const dataset = useStore((s) => (model ? (s.datasets[datasetKey(model.config.data)] ?? null) : null));
  const grid = useGrid(modelId);
  useEffect(() => {
    if (model) void loadDataset(model.config.data);
  }, [model]);
  const results = row?.verify?.results ?? [];
  const result = results.find((r) => r.bound === boxBound) ?? results[0] ?? null;
  const M = model ? abstainOutputsOf(model.config.training) : 0;
  const eps = row?.eps ?? 0;
  const [allBoxes, setAllBoxes] = useState(false);
  const traces = useMemo(() => [...verifiedRegionTraces(dataset, grid), ...verifiedBoxTraces(dataset, eps, result, allBoxes)], [dataset, grid, eps, result, allBoxes]);
  const layout = useMemo(() => verifiedBoxLayout(dataset), [dataset]);
  const region = useMemo(() => verifiedBoxRegion(dataset, grid, M), [dataset, grid, M]);
  const counts = boxCounts(dataset, result);
  if (!row || !modelId || !model) return null;
  return (
    <Section title={`eps-boxes of ${row.modelName} (eps ${eps})`} testId="verify-boxes">
      <label className="field" title="Whose verdicts colour the boxes.">
        <span className="field-label">verdicts of</span>
        <select value={result?.bound ?? 'ibp'} data-testid="verify-box-bound" onChange={(e) => useVerification.setState({ boxBound: e.target.value as VerifyBound })}>
          {results.map((r) => (
            <option key={r.bound} value={r.bound}>
              {r.bound.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <CanvasPlot key={boundsKey(dataset?.bounds ?? null)} traces={traces} layout={layout} region={region} className="plot regions" testId="verify-boxes-plot" />
      {counts.caption || allBoxes ? (
        <p className="hint" data-testid="verify-boxes-caption">
          {allBoxes ? `Boxes: all ${counts.total} test points. ` : `Boxes: ${counts.caption} test points, evenly spread, so that they do not hide one another. `}
          <label className="toggle">
            <input type="checkbox" checked={allBoxes} data-testid="verify-boxes-all" onChange={(e) => setAllBoxes(e.target.checked)} /> show all {counts.total}
          </label>
        </p>
      ) : null}
      <p className="hint">
        Each square is a verified test point's l∞ ball: solid black where the clean output is right and every point of the box provably lands in {'{y} ∪ A'}, dashed vermillion where not. Abstain regions are
        drawn hatched, in greys of their own.
      </p>
    </Section>
  );
}
