/**
 * Rectified Rejection (Pang et al.): evaluate a model's rejectors — confidence, R-Con,
 * energy, SelectiveNet's selection — on clean and attacked test inputs, and watch Theorem 1
 * happen: the R-Con vs confidence scatter with the lines Con = 1/(2 − ξ) and R-Con = 1/2, a ξ
 * slider and a temperature slider that re-read every score live, the metrics table (accuracy,
 * TPR-95 accuracy, ROC-AUC), ROC and accuracy–coverage curves, and on 2-D data R-Con over the plane.
 */
import { useMemo } from 'react';
import type { ScoredSet } from '../../../core/settings';
import { runCoupledPreset, useRcon } from './rconRejection';
import { readScores } from './rconScores';
import { sourceOfKey } from '../../state/modelSource';
import { sourceKey as sourceKeyOf } from '../../../../workers/protocol';
import { CoupledPresetPanel, RconSettingsPanel } from './RconSettingsPanel';
import { ViewIntro } from '../../ui/ViewIntro';
import { QuickStart } from '../../ui/QuickStart';
import { PresetButton } from '../../ui/PresetButton';
import { RconMetricsTable } from './RconTables';
import { RconFootingTable } from './RconFootingTable';
import { RconCurvesPanel, RconMapPanel, RconScatterPanel } from './RconPlots';
import { ViewColumns } from '../../ui/ViewColumns';
import { useStaged } from '../../ui/useStaged';

/** The sets re-read at the slider's temperature: Con and R-Con recomputed from the raw outputs. */
function useLiveSets(): ScoredSet[] {
  const evaluation = useRcon((s) => s.evaluation);
  const temperature = useRcon((s) => s.temperature);
  return useMemo(() => {
    if (!evaluation) return [];
    return evaluation.sets.map((set) => {
      const r = readScores(set.logits, set.aux, evaluation.numClasses, temperature);
      return { ...set, scores: { ...set.scores, confidence: r.con, ...(r.rCon ? { rcon: r.rCon } : {}) } };
    });
  }, [evaluation, temperature]);
}

export function RconView() {
  const sets = useLiveSets();
  const evaluation = useRcon((s) => s.evaluation);
  const sourceKey = useRcon((s) => s.sourceKey);
  const fresh = evaluation && sourceOfKey(sourceKey) && sourceKeyOf(evaluation.source) === sourceKey;
  // A new evaluation mounts the scatter first, then the metrics, the curves and the map, a task each.
  const stage = useStaged(evaluation, 4);
  return (
    <ViewColumns
      intro={
        <ViewIntro
          id="rejection"
          title="Rectified Rejection: R-Con against confidence"
          idea="A second head learns how far the model's confidence can be trusted, and R-Con, the product of the two, scores each input. Rejecting inputs whose R-Con is low tells adversarial examples apart better than confidence alone, and with both scores together (coupled rejection) a wrong answer cannot keep a high score."
          papers={['rr']}
          start={<QuickStart view="rejection" preset={<PresetButton run={{ preset: 'coupled', work: 1 }} testId="rr-preset-top" onRun={() => runCoupledPreset()}>Run the preset</PresetButton>} />}
        />
      }
      className="rectified"
      settings={
        <>
          <RconSettingsPanel />
          <CoupledPresetPanel />
        </>
      }
      center={
        <>
          {evaluation && !fresh ? <p className="hint">Showing the evaluation of {evaluation.modelName}; press “Evaluate rejectors” for the chosen model.</p> : null}
          <RconScatterPanel sets={sets} />
          {evaluation && stage >= 2 ? <RconMetricsTable sets={sets} /> : null}
          {evaluation && stage >= 2 ? <RconFootingTable sets={sets} /> : null}
        </>
      }
      results={
        <>
          {stage >= 3 ? <RconCurvesPanel sets={sets} /> : null}
          {stage >= 4 ? <RconMapPanel /> : null}
        </>
      }
    />
  );
}
