/** The Rectified Rejection view's tables: coupled rejection at ξ (Theorem 1) and each rejector's metrics per set. */
import { useMemo } from 'react';
import { type RejectionMetric, type ScoredSet, REJECTOR_SCORE_LABELS, REJECTOR_SCORE_SHORT, coupledRejection, scoreMetric } from '../../../core/settings';
import { useRcon } from './rconRejection';
import { Section } from '../../ui/Section';
import { fixed, pct } from '../../ui/format';

export function CoupledTable({ sets }: { sets: ScoredSet[] }) {
  const xi = useRcon((s) => s.xi);
  const rows = sets.map((s) => ({ set: s, r: coupledRejection(s.scores.confidence!, s.scores.rcon!, s.correct, xi) }));
  return (
    <div className="table-scroll">
      <table className="bench-table" data-testid="rr-coupled">
        <thead>
          <tr>
            <th>set</th>
            <th title="Inputs with Con > 1/(2 − ξ), which go on to stage 2.">pass stage 1</th>
            <th title="Inputs also with R-Con ≥ 1/2: accepted by the coupled rejector.">accepted</th>
            <th title="Accuracy on the accepted inputs.">accepted accuracy</th>
            <th title="Among stage-1 inputs: correct ones with R-Con ≥ 1/2 and wrong ones below, as a share (1 = R-Con = 1/2 separates them perfectly).">separation at 1/2</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ set, r }) => (
            <tr key={set.id}>
              <td>{set.label}</td>
              <td>{r.counts.passedStage1}</td>
              <td>{r.counts.accepted}</td>
              <td>{pct(r.counts.accepted ? r.counts.acceptedCorrect / r.counts.accepted : NaN, 1, '–')}</td>
              <td>{pct(r.separation.accuracy, 1, '–')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RconMetricsTable({ sets }: { sets: ScoredSet[] }) {
  const evaluation = useRcon((s) => s.evaluation)!;
  const metrics: RejectionMetric[] = useMemo(
    () => sets.flatMap((set) => evaluation.scoreNames.map((score) => scoreMetric(set, score, { tpr: evaluation.tpr, curve: false }))),
    [sets, evaluation],
  );
  return (
    <Section title="Rejectors under attack" testId="rr-metrics">
      <div className="table-scroll">
        <table className="bench-table" data-testid="rr-metrics-table">
          <thead>
            <tr>
              <th>set</th>
              <th>score</th>
              <th title="Accuracy on all inputs, no rejection.">accuracy</th>
              <th title={`Accuracy on the inputs kept when the threshold keeps ${Math.round(100 * evaluation.tpr)}% of the correctly classified inputs (the authors' threshold rule).`}>TPR-{Math.round(100 * evaluation.tpr)} acc.</th>
              <th title="Share of all inputs kept at that threshold.">kept</th>
              <th title="ROC-AUC of the score separating correctly from wrongly classified inputs (0.5 = no better than chance).">ROC-AUC</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((m) => (
              <tr key={`${m.set}-${m.score}`} data-testid="rr-metric">
                <td>{sets.find((s) => s.id === m.set)?.label}</td>
                <td title={REJECTOR_SCORE_LABELS[m.score]}>{REJECTOR_SCORE_SHORT[m.score]}</td>
                <td>{pct(m.accuracy, 1, '–')}</td>
                <td>{pct(m.tpr.accuracy, 1, '–')}</td>
                <td>{pct(m.tpr.coverage, 1, '–')}</td>
                <td>{fixed(m.auc, 3, '–')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        “–” in TPR acc.: no input is kept at that threshold — the scores are tied there (e.g. confidences saturated at 1 at a low τ), and the authors' rule keeps only
        scores strictly above it. “–” in ROC-AUC: the set has only correct (or only wrong) inputs.
      </p>
      {sets.some((s) => s.nonFinite) ? (
        <p className="hint warn" data-testid="rr-non-finite">
          Non-finite outputs: {sets.filter((s) => s.nonFinite).map((s) => `${s.label} ${s.nonFinite} of ${s.correct.length}`).join(', ')} inputs have a NaN or infinite logit or score
          (e.g. from NaN weights or an overflow). Each is counted wrong and rejected by every score, never kept.
        </p>
      ) : null}
      <p className="hint">
        {evaluation.n} test inputs of {evaluation.modelName}, read at τ = {useRcon.getState().temperature.toFixed(3)}; {(evaluation.elapsedMs / 1000).toFixed(1)} s.
      </p>
    </Section>
  );
}
