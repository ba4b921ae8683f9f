/** The one-sentence definitions of the common abstain measures, shown under every table that reports them. */
import type { ReactNode } from 'react';
import { ABSTAIN_MEASURE_DEFINITIONS, ABSTAIN_MEASURES } from '../../core/settings';

export function AbstainDefinitions({ testId, children }: { testId: string; children?: ReactNode }) {
  return (
    <dl className="definitions" data-testid={testId}>
      {ABSTAIN_MEASURES.map((m) => (
        <div key={m}>
          <dt>{ABSTAIN_MEASURE_DEFINITIONS[m].label}</dt>
          <dd>{ABSTAIN_MEASURE_DEFINITIONS[m].definition}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}
