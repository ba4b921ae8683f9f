/**
 * Each rejector as deployed, on the footing the abstain arena uses for every way of abstaining:
 * one threshold set on the clean inputs (TPR as in the settings), held fixed under every attack of
 * a threat model (core/experiments/rejectorFooting.ts), with the common measures and their 95%
 * Clopper–Pearson intervals, each defined in one sentence under the table. The worker computes it
 * (the intervals need its statistics), again whenever the view re-reads the sets at another τ.
 */
import { useEffect, useState } from 'react';
import { ABSTAIN_MEASURES, ABSTAIN_MEASURE_DEFINITIONS, REJECTOR_SCORE_SHORT, type RejectorFooting, type ScoredSet, type Share } from '../../../core/settings';
import { worker } from '../../workerClient';
import { useRcon } from './rconRejection';
import { AbstainDefinitions } from '../../ui/AbstainDefinitions';
import { Section } from '../../ui/Section';
import { pct } from '../../ui/format';

const normText = (norm: 'linf' | 'l2') => (norm === 'linf' ? 'l∞' : 'l₂');

function ShareCell({ s, testId }: { s: Share; testId?: string }) {
  return (
    <td data-testid={testId} title={`${s.k} of ${s.n}; 95% interval ${pct(s.lower, 1, '–')} to ${pct(s.upper, 1, '–')}`}>
      {pct(s.value, 1, '–')} <span className="hint">[{pct(s.lower, 0, '–')}, {pct(s.upper, 0, '–')}]</span>
    </td>
  );
}

/** The footing of the sets from the worker; the answer to an older request is dropped. */
function useFooting(sets: ScoredSet[]): RejectorFooting[] | string | null {
  const evaluation = useRcon((s) => s.evaluation)!;
  const [footing, setFooting] = useState<RejectorFooting[] | string | null>(null);
  useEffect(() => {
    let current = true;
    worker()
      .rejectorFooting({ numClasses: evaluation.numClasses, scoreNames: evaluation.scoreNames, tpr: evaluation.tpr, sets })
      .then((f) => current && setFooting(f))
      .catch((e: unknown) => current && setFooting(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [evaluation, sets]);
  return footing;
}

export function RconFootingTable({ sets }: { sets: ScoredSet[] }) {
  const evaluation = useRcon((s) => s.evaluation)!;
  const footing = useFooting(sets);
  if (typeof footing === 'string') return <p className="hint warn" data-testid="rr-footing-error">The rejectors' footing could not be computed: {footing}</p>;
  if (!footing?.length || !footing[0].threats.length) return null;
  return (
    <Section title="Each rejector as deployed: one threshold, every attack" testId="rr-footing">
      <p className="hint">
        The threshold keeps {pct(evaluation.tpr, 0)} of the correctly classified clean inputs and then stays fixed under attack (the paper's TPR accuracy above sets a new
        threshold on each attacked set). An input counts as robust only if it survives every attack of its threat model. Brackets: 95% Clopper–Pearson interval.
        A score tied above the threshold (e.g. confidences saturated at 1 at a low τ) keeps nothing, and the model abstains on every input.
      </p>
      <div className="table-scroll">
        <table className="bench-table" data-testid="rr-footing-table">
          <thead>
            <tr>
              <th>score</th>
              <th>threat</th>
              {ABSTAIN_MEASURES.map((m) => (
                <th key={m} title={ABSTAIN_MEASURE_DEFINITIONS[m].definition}>{ABSTAIN_MEASURE_DEFINITIONS[m].label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {footing.flatMap((f) =>
              f.threats.map((t) => (
                <tr key={`${f.score}-${t.norm}-${t.eps}`} data-testid={`rr-footing-${f.score}`}>
                  <td>{REJECTOR_SCORE_SHORT[f.score]}</td>
                  <td title={t.sets.map((id) => sets.find((s) => s.id === id)?.label ?? id).join(', ')}>
                    {normText(t.norm)} {Number(t.eps.toPrecision(3))} ({t.sets.length} {t.sets.length === 1 ? 'attack' : 'attacks'})
                  </td>
                  {ABSTAIN_MEASURES.map((m) => (
                    <ShareCell key={m} s={t.outcomes[m]} testId={`rr-footing-${f.score}-${m}`} />
                  ))}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <AbstainDefinitions testId="rr-footing-definitions" />
    </Section>
  );
}
