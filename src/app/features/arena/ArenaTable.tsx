/**
 * The arena's table: one row per family with the common measures (each with its 95% interval),
 * the attack that hurt it most, its certified or verified shares, its paper's own measure and its
 * training cost; and under it, the one-sentence definition of every measure, visible.
 */
import { ABSTAIN_MEASURE_DEFINITIONS, ABSTAIN_MEASURES, type ArenaRow, type Share } from '../../../core/settings';
import { AbstainDefinitions } from '../../ui/AbstainDefinitions';
import { type Column, ColumnTable } from '../../ui/ColumnTable';
import { pct } from '../../ui/format';

function ShareCell({ s }: { s: Share | undefined }) {
  if (!s) return <>—</>;
  if (s.n === 0) return <span title="No input to count: the share is undefined.">— (no input)</span>;
  return (
    <span title={`${s.k} of ${s.n}; 95% Clopper–Pearson interval ${pct(s.lower)} – ${pct(s.upper)}`}>
      {pct(s.value)} <span className="hint">[{pct(s.lower, 1, '—')}, {pct(s.upper, 1, '—')}]</span>
    </span>
  );
}

/** The attack that left the fewest inputs robust and accurate (ties: the first). */
function strongest(row: ArenaRow): string {
  if (!row.attacks.length) return '—';
  const worst = row.attacks.reduce((w, a) => (a.robustAccuracy.k < w.robustAccuracy.k ? a : w));
  return `${worst.label}: ${pct(worst.robustAccuracy.value)}`;
}

const measureColumns: Column<ArenaRow>[] = ABSTAIN_MEASURES.map((m) => ({
  head: ABSTAIN_MEASURE_DEFINITIONS[m].label,
  tip: ABSTAIN_MEASURE_DEFINITIONS[m].definition,
  col: m,
  cell: (r: ArenaRow) => (r.status === 'done' ? <ShareCell s={r.outcomes?.[m]} /> : null),
}));

const COLUMNS: Column<ArenaRow>[] = [
  {
    head: 'family',
    col: 'family',
    cell: (r) => (
      <span title={r.abstains}>
        {r.label}
        <br />
        <span className="hint">{r.paper}</span>
        {r.status !== 'done' ? (
          <span className="field-error" data-testid={`arena-note-${r.family}`}>
            <br />
            {r.status === 'not-run' ? 'Not run: ' : 'Failed: '}
            {r.note}
          </span>
        ) : r.note ? (
          <span className="hint" data-testid={`arena-note-${r.family}`}>
            <br />
            {r.note}
          </span>
        ) : null}
      </span>
    ),
  },
  ...measureColumns,
  { head: 'strongest attack', tip: 'The attack that alone left the lowest robust accuracy; the measures take the worst attack per input.', col: 'strongest', cell: (r) => strongest(r) },
  {
    head: 'certified / verified',
    tip: 'Shares proven for the whole eps-ball: CERTIFY for the smoothed classifiers, IBP and CROWN bounds for the others (l∞).',
    col: 'guarantees',
    cell: (r) => (
      <>
        {r.guarantees.map((g) => (
          <div key={g.id} title={g.definition}>
            {g.label}: <ShareCell s={g.share} />
          </div>
        ))}
        {r.guaranteeNote ? <span className="hint">{r.guaranteeNote}</span> : r.guarantees.length ? null : '—'}
      </>
    ),
  },
  {
    head: "paper's own measure",
    col: 'paper',
    cell: (r) => (r.paperMeasure ? <span title={r.paperMeasure.definition}>{r.paperMeasure.label}: {r.paperMeasure.label.includes('radius') ? r.paperMeasure.value.toFixed(3) : pct(r.paperMeasure.value)}</span> : <span className="hint">the common measures</span>),
  },
  {
    head: 'training cost',
    tip: 'Epochs, optimizer steps, steps of the attack inside each training step, optimizer, wall time of training and of the evaluation, and the seed.',
    col: 'cost',
    cell: (r) =>
      r.cost ? (
        <span>
          {r.cost.epochs} epochs, {r.cost.optimizerSteps} steps{r.cost.trainingAttackSteps ? ` × ${r.cost.trainingAttackSteps} attack steps` : ''}, {r.cost.optimizer} lr {r.cost.learningRate}
          <br />
          <span className="hint">
            trained {r.cost.trainSeconds.toFixed(1)} s, evaluated {r.cost.evaluateSeconds.toFixed(1)} s, seed {r.cost.seed}
          </span>
        </span>
      ) : (
        '—'
      ),
  },
];

export function ArenaTable({ rows }: { rows: readonly ArenaRow[] }) {
  return (
    <>
      <ColumnTable columns={COLUMNS} rows={rows} rowKey={(r) => r.family} testId="arena-table" rowTestId="arena-row" />
      <AbstainDefinitions testId="arena-definitions">
        <div>
          <dt>intervals</dt>
          <dd>Each share comes with its 95% Clopper–Pearson interval: the uncertainty from the number of test inputs, not from the attacks' strength (attacked measures are upper bounds on what is truly robust).</dd>
        </div>
      </AbstainDefinitions>
    </>
  );
}
