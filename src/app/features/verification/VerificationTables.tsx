/**
 * The Verification view's runs tables (Baharlouei et al.): per model and eps, the verification numbers
 * with IBP and CROWN side by side, and the standard vs PGD error table under the abstain rule.
 * Rows accumulate over the session; verifying a model again at the same eps replaces its row.
 */
import type { BoundResult, VerifyBound } from '../../../../workers/protocol';
import { type VerifyRow, useVerification } from './verification';
import { Section } from '../../ui/Section';
import { fixed } from '../../ui/format';
import { type Column, ColumnTable } from '../../ui/ColumnTable';

const frac = (v: number | undefined) => fixed(v, 3, '–');
const ms = (v: number | undefined) => fixed(v, v !== undefined && v < 10 ? 2 : 0, '–');
const resultOf = (row: VerifyRow, bound: VerifyBound): BoundResult | undefined => row.verify?.results.find((r) => r.bound === bound);

export const METRIC_TIPS = {
  standard: 'Share of clean test inputs not classified as their label; an abstain output on a clean input is an error.',
  verified:
    'Share of test inputs whose clean input is misclassified or whose certificate fails; an abstain output only counts as success for perturbed inputs (Baharlouei et al., Table 1).',
  certified: 'Share of test inputs whose whole eps-ball provably lands in {y} ∪ A (the label or any abstain class), whether or not the clean input is right.',
  abstainClean: 'Share of clean test inputs the model sends to an abstain class (counted as errors on clean data).',
  time: 'Verification time per input in milliseconds, IBP / CROWN.',
  pgd: 'Clean input misclassified, or PGD moves the output outside {y} ∪ A: the empirical counterpart of the verified error, never above it.',
  detected: 'Share of test inputs whose adversarial output is an abstain class: the attack was detected.',
  success: 'Share of test inputs whose adversarial output leaves {y} ∪ A: the attack succeeded.',
  perClass: 'Detections per abstain class a1 … aM (counts among inputs classified correctly when clean), as in Fig. 4.',
};

/** The columns every runs table starts with: the model, its M and eps (`lead` picks them from a row). */
function leadColumns<R>(lead: (row: R) => { model: VerifyRow; m: number; eps: number }): Column<R>[] {
  return [
    {
      head: 'model',
      cell: (row) => {
        const { model } = lead(row);
        return (
          <>
            {model.modelName}
            {model.note ? ` (${model.note})` : ''}
          </>
        );
      },
    },
    { head: 'M', tip: 'Abstain classes of the model.', cell: (row) => lead(row).m },
    { head: 'eps', tip: 'Radius of the l∞ ball.', cell: (row) => lead(row).eps },
  ];
}

/** A verification row with its IBP and CROWN results looked up. */
interface VerifyLine {
  r: VerifyRow;
  ibp?: BoundResult;
  crown?: BoundResult;
  any?: BoundResult;
}

/** One number of both bounds in one cell: IBP / CROWN. */
const ibpSlashCrown = (l: VerifyLine, show: (b: BoundResult | undefined) => string) => (
  <>
    {show(l.ibp)} / {show(l.crown)}
  </>
);

const VERIFY_COLUMNS: Column<VerifyLine>[] = [
  ...leadColumns<VerifyLine>(({ r }) => ({ model: r, m: r.abstainClasses, eps: r.eps })),
  {
    head: 'inputs',
    tip: 'Test inputs verified. Inputs whose bounds met a non-finite number (an overflow) are never verified, and counted here.',
    cell: (l) => {
      const lost = Math.max(l.ibp?.nonFinite ?? 0, l.crown?.nonFinite ?? 0);
      return lost ? `${l.r.verify!.n} (${lost} not finite)` : l.r.verify!.n;
    },
  },
  { head: 'standard error', tip: METRIC_TIPS.standard, col: 'standard', cell: (l) => frac(l.any?.standardError) },
  { head: 'verified error (IBP)', tip: METRIC_TIPS.verified, col: 'verified-ibp', cell: (l) => frac(l.ibp?.verifiedError) },
  { head: 'verified error (CROWN)', tip: METRIC_TIPS.verified, col: 'verified-crown', cell: (l) => frac(l.crown?.verifiedError) },
  { head: 'certified (IBP / CROWN)', tip: METRIC_TIPS.certified, col: 'certified', cell: (l) => ibpSlashCrown(l, (b) => frac(b?.certifiedShare)) },
  { head: 'abstain on clean', tip: METRIC_TIPS.abstainClean, col: 'abstain-clean', cell: (l) => frac(l.any?.abstainClean) },
  { head: 'ms per input', tip: METRIC_TIPS.time, col: 'time', cell: (l) => ibpSlashCrown(l, (b) => ms(b?.msPerInput)) },
];

export function VerifyTable() {
  const rows = useVerification((s) => s.rows).filter((r) => r.verify);
  if (!rows.length) return <p className="hint">Verify a model to fill the table: standard and verified error with IBP and CROWN, side by side.</p>;
  const lines = rows.map((r): VerifyLine => {
    const ibp = resultOf(r, 'ibp');
    const crown = resultOf(r, 'crown');
    return { r, ibp, crown, any: ibp ?? crown };
  });
  return (
    <>
      <Section title="Verification" testId="verify-results">
        <ColumnTable columns={VERIFY_COLUMNS} rows={lines} rowKey={(l) => l.r.key} testId="verify-table" rowTestId="verify-row" />
      </Section>
      <p className="hint">Verified error ≥ standard error always: a verified input is first classified right. “–”: that bound was not run.</p>
    </>
  );
}

/** The PGD table's columns, with one detection count per abstain class up to the largest M among the rows. */
function pgdColumns(maxM: number): Column<VerifyRow>[] {
  const pgd = (r: VerifyRow) => r.pgd!;
  return [
    ...leadColumns<VerifyRow>((r) => ({ model: r, m: pgd(r).numAbstain, eps: pgd(r).eps })),
    {
      head: 'attack',
      tip: 'PGD steps × random restarts.',
      cell: (r) => (
        <>
          PGD-{pgd(r).steps} × {pgd(r).restarts}
        </>
      ),
    },
    { head: 'standard error', tip: METRIC_TIPS.standard, col: 'standard', cell: (r) => frac(pgd(r).standardError) },
    { head: 'PGD error', tip: METRIC_TIPS.pgd, col: 'pgd', cell: (r) => frac(pgd(r).pgdError) },
    { head: 'detected', tip: METRIC_TIPS.detected, col: 'detected', cell: (r) => frac(pgd(r).detected) },
    { head: 'attack success', tip: METRIC_TIPS.success, col: 'success', cell: (r) => frac(pgd(r).attackSuccess) },
    ...Array.from({ length: maxM }, (_, m): Column<VerifyRow> => ({ head: `a${m + 1}`, tip: METRIC_TIPS.perClass, cell: (r) => (m < pgd(r).numAbstain ? pgd(r).detectedPerClass[m] : '') })),
  ];
}

export function PgdTable() {
  const rows = useVerification((s) => s.rows).filter((r) => r.pgd);
  if (!rows.length) return null;
  const maxM = Math.max(0, ...rows.map((r) => r.pgd!.numAbstain));
  return (
    <Section title="Standard vs PGD error (abstain rule)" testId="verify-pgd-results">
      <ColumnTable columns={pgdColumns(maxM)} rows={rows} rowKey={(r) => r.key} testId="verify-pgd-table" rowTestId="verify-pgd-row" />
    </Section>
  );
}
