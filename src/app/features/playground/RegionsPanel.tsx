/** The decision-region plot of one model, with the display toggles of the robustness view. */
import { useMemo } from 'react';
import { abstainOutputsOf } from '../../../core/settings';
import { CanvasPlot } from '../../plots/CanvasPlot';
import { abstainTraces, boundsKey, pointTraces, regionBytes, regionLayout } from '../../plots/decisionRegions';
import { type DisplayOptions, datasetKey, useStore } from '../../state/store';

export function RegionsPlot({ modelId, title, showLegend = true, testId }: { modelId: string | null; title?: string; showLegend?: boolean; testId?: string }) {
  const model = useStore((s) => (modelId ? s.models[modelId] : undefined));
  const data = useStore((s) => s.datasets[datasetKey(model ? model.config.data : s.config.data)] ?? null);
  const grid = useStore((s) => (modelId ? s.grids[modelId] ?? null : null));
  const evaluation = useStore((s) => (modelId ? s.evaluations[modelId] ?? null : null));
  const gridSplit = useStore((s) => (modelId ? s.gridSplits[modelId] ?? null : null));
  const display = useStore((s) => s.display);
  const abstainClasses = model ? abstainOutputsOf(model.config.training) : 0;
  const numClasses = data?.numClasses ?? 2;
  // Separate memos: a live grid update during training changes the image (and the hatch of
  // abstain regions), never the point traces, so plotly re-lays out nothing else.
  // The plane's image reads one display option: the other toggles redraw the points alone.
  const showGridSplit = display.showGridSplit;
  const region = useMemo(() => regionBytes({ dataset: data, grid, gridSplit, display: { showGridSplit }, abstainClasses }), [data, grid, gridSplit, showGridSplit, abstainClasses]);
  const showingClasses = !(gridSplit && display.showGridSplit);
  const hatch = useMemo(() => abstainTraces(grid, numClasses, showingClasses), [grid, numClasses, showingClasses]);
  const points = useMemo(() => pointTraces({ dataset: data, evaluation, gridSplit, display }), [data, evaluation, gridSplit, display]);
  const traces = useMemo(() => [...hatch, ...points], [hatch, points]);
  const bounds = grid?.bounds ?? data?.bounds ?? null;
  const layout = useMemo(() => regionLayout(bounds, title, showLegend), [bounds, title, showLegend]);
  return <CanvasPlot key={boundsKey(bounds)} traces={traces} layout={layout} region={region} className="plot regions" testId={testId ?? 'regions-plot'} />;
}

function Toggle({ label, checked, onChange, tip }: { label: string; checked: boolean; onChange: (v: boolean) => void; tip: string }) {
  return (
    <label className="toggle" title={tip}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

export function DisplayToggles() {
  const display = useStore((s) => s.display);
  const setDisplay = useStore((s) => s.setDisplay);
  const set = (patch: Partial<DisplayOptions>) => setDisplay(patch);
  return (
    <div className="toggles">
      <Toggle label="training points" checked={display.showTrain} onChange={(v) => set({ showTrain: v })} tip="Show the training points (circles)." />
      <Toggle label="test points" checked={display.showTest} onChange={(v) => set({ showTest: v })} tip="Show the test points (diamonds)." />
      <Toggle label="robustness view" checked={display.colourBySplit} onChange={(v) => set({ colourBySplit: v })} tip="Colour the attacked points by the 4-way split instead of their label." />
      <Toggle label="grid robustness" checked={display.showGridSplit} onChange={(v) => set({ showGridSplit: v })} tip="Colour the grid by the 4-way split when it has been computed (button below)." />
      <label className="toggle" title="Arrows from each clean point to the adversarial point the attack found.">
        arrows{' '}
        <select value={display.arrows} onChange={(e) => set({ arrows: e.target.value as DisplayOptions['arrows'] })}>
          <option value="none">none</option>
          <option value="non-robust">non-robust points</option>
          <option value="all">all points</option>
        </select>
      </label>
    </div>
  );
}
