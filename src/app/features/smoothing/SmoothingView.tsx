/**
 * Randomized smoothing (Cohen et al.): pick a trained model (2-D or image), set sigma, n0, n, alpha,
 * and certify its test inputs with Cohen et al.'s CERTIFY — the certified-accuracy curve grows
 * as each input is certified, next to other runs and imported logs. On 2-D models: the smoothed
 * classifier's regions (abstain in grey) and each certified point's radius as a circle.
 */
import { useEffect, useMemo } from 'react';
import { datasetKey, useStore } from '../../state/store';
import { loadDataset } from '../../state/playgroundModels';
import { useSmoothing } from './smoothing';
import { Plot } from '../../plots/Plot';
import { certifiedCurveLayout, certifiedCurveTraces } from './certifiedCurve';
import { radiusCaption, smoothedRegion, smoothedRegionLayout, smoothedRegionTraces } from './smoothedRegions';
import { CanvasPlot } from '../../plots/CanvasPlot';
import { ViewIntro } from '../../ui/ViewIntro';
import { QuickStart } from '../../ui/QuickStart';
import { PresetButton } from '../../ui/PresetButton';
import { presetWork, runSmoothingPreset } from './smoothingCompare';
import { SettingField } from '../../ui/SettingField';
import { LibraryPanel } from '../library/LibraryPanel';
import { Section } from '../../ui/Section';
import { NoiseRejectionPanel } from './NoiseRejectionPanel';
import { playgroundModelIdOf } from '../../state/modelSource';
import { SmoothingComparePanel, SmoothingSettingsPanel, useSmoothingSetting } from './SmoothingSettingsPanel';
import { CertRunsTable, LatestCertifiedRows } from './SmoothingRuns';
import { ViewColumns } from '../../ui/ViewColumns';

function RegionsPanel() {
  const sourceKey = useSmoothing((s) => s.sourceKey);
  const models = useStore((s) => s.models);
  const modelId = playgroundModelIdOf(sourceKey);
  const model = modelId ? models[modelId] : undefined;
  const dataset = useStore((s) => (model ? (s.datasets[datasetKey(model.config.data)] ?? null) : null));
  const grid = useSmoothing((s) => (modelId ? (s.grids[modelId] ?? null) : null));
  const runs = useSmoothing((s) => s.runs);
  useEffect(() => {
    if (model) void loadDataset(model.config.data);
  }, [model]);
  const latest = [...runs].reverse().find((r) => r.mode === 'certify' && r.source?.kind === '2d' && r.source.modelId === modelId) ?? null;
  const rows = latest?.rows ?? null;
  const traces = useMemo(() => smoothedRegionTraces(dataset, rows), [dataset, rows]);
  const layout = useMemo(() => smoothedRegionLayout(dataset), [dataset]);
  const region = useMemo(() => smoothedRegion(grid, dataset?.numClasses ?? 3), [grid, dataset]);
  const caption = radiusCaption(dataset, rows);
  if (!model) return null;
  return (
    <Section title="Smoothed classifier on the plane" testId="smoothed-regions">
      <p className="hint">
        {grid ? `Regions: PREDICT with n = ${grid.n} per cell, σ = ${grid.sigma}, alpha = ${grid.alpha} (grey: abstain). ` : 'Press "Smoothed regions" to draw the smoothed classifier. '}
        {rows ? `Circles: certified l2 radius of each test point from the latest certification (${rows.length} points${caption ? `; ${caption} circles, evenly spread` : ''}).` : ''}
      </p>
      <CanvasPlot traces={traces} layout={layout} region={region} testId="smoothed-regions-plot" />
    </Section>
  );
}

export function SmoothingView() {
  const runs = useSmoothing((s) => s.runs);
  const traces = useMemo(() => certifiedCurveTraces(runs), [runs]);
  const config = useStore((s) => s.config);
  return (
    <ViewColumns
      intro={
        <ViewIntro
          id="smoothing"
          title="Randomized smoothing: certified radii"
          idea="Randomized smoothing classifies many Gaussian-noisy copies of an input and answers with the class most copies get, or abstains when the vote is too close. The margin of the vote gives a certified l2 radius: no change of the input smaller than it can alter the answer."
          papers={['cohen', 'catrs', 'rejection']}
          start={
            <QuickStart
              view="smoothing"
              preset={
                <PresetButton run={{ preset: 'smoothing-compare', work: presetWork(config) }} testId="smoothing-preset-top" onRun={runSmoothingPreset} title="Trains Gaussian augmentation (Cohen et al.), CAT-RS (Jeong et al.) and CRA (Merkli et al.) on 500 points, certifies each (n = 10,000 draws, 100 test inputs) and adds the Gaussian model with sample rejection (Sheikholeslami et al.): four certified-accuracy curves on one plot.">
                  Compare the smoothing methods
                </PresetButton>
              }
            />
          }
        />
      }
      className="smoothing"
      settings={
        <>
          <SmoothingSettingsPanel />
          <SmoothingComparePanel />
          <Section title="Selection (Merkli et al.)">
            <SettingField name="selectionEps" useSetting={useSmoothingSetting} testId="smoothing-selectionEps" label="eps" tip="Merkli et al.'s robustness-indicator selector for smoothed models: select an input iff its certified radius is at least eps." unit="l2" />
          </Section>
        </>
      }
      center={
        <>
          <Section title="Certified accuracy against radius" testId="certified-curve">
            <Plot data={traces} layout={certifiedCurveLayout} testId="certified-curve-plot" />
            <CertRunsTable />
          </Section>
          <NoiseRejectionPanel />
          <RegionsPanel />
        </>
      }
      results={
        <>
          <LatestCertifiedRows />
          <LibraryPanel />
        </>
      }
    />
  );
}
