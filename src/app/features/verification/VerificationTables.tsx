/**
 * The Verification view's runs tables (paper 004): per model and eps, the verification numbers
 * with IBP and CROWN side by side, and the standard vs PGD error table under the abstain rule.
 * Rows accumulate over the session; verifying a model again at the same eps replaces its row.
 */
import type { ReactNode } from 'react';
import type { BoundResult, VerifyBound } from '../../../../workers/protocol';
import { type VerifyRow, useVerification } from './verification';
import { Section } from '../../ui/Section';
import { fixed } from '../../ui/format';

const frac = (v: number | undefined) => fixed(v, 3, '–');
const ms = (v: number | undefined) => fixed(v, v !== undefined && v < 10 ? 2 : 0, '–');
const resultOf = (row: VerifyRow, bound: VerifyBound): BoundResult | undefined => row.verify?.results.find((r) => r.bound === bound);

export const METRIC_TIPS = {
  standard: 'Share of clean test inputs not classified as their label; an abstain output on a clean input is an error.',
  verified:
    'Share of test inputs whose clean input is misclassified or whose certificate fails; an abstain output only counts as success for perturbed inputs (paper 004, Table 1).',
  certified: 'Share of test inputs whose whole eps-ball provably lands in {y} ∪ A (the label or any abstain class), whether or not the clean input is right.',
  abstainClean: 'Share of clean test inputs the model sends to an abstain class (counted as errors on clean data).',
  time: 'Verification time per input in milliseconds, IBP / CROWN.',
  pgd: 'Clean input misclassified, or PGD moves the output outside {y} ∪ A: the empirical counterpart of the verified error, never above it.',
  detected: 'Share of test inputs whose adversarial output is an abstain class: the attack was detected.',
  success: 'Share of test inputs whose adversarial output leaves {y} ∪ A: the attack succeeded.',
  perClass: 'Detections per abstain class a1 … aM (counts among inputs classified correctly when clean), as in Fig. 4.',
};

function Head({ label, tip }: { label: string; tip: string }) {
  return <th title={tip}>{label}</th>;
}

/** A table of verification rows: one row per model run, headed by the model, its M and eps, then `heads`. */
function RowsTable({ title, testId, heads, children }: { title: string; testId: string; heads: ReactNode; children: ReactNode }) {
  return (
    <Section title={title} testId={`${testId}-results`}>
      <table className="bench-table" data-testid={`${testId}-table`}>
        <thead>
          <tr>
            <th>model</th>
            <Head label="M" tip="Abstain classes of the model." />
            <Head label="eps" tip="Radius of the l∞ ball." />
            {heads}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </Section>
  );
}

const modelCell = (r: VerifyRow) => (
  <td>
    {r.modelName}
    {r.note ? ` (${r.note})` : ''}
  </td>
);

export function VerifyTable() {
  const rows = useVerification((s) => s.rows).filter((r) => r.verify);
  if (!rows.length) return <p className="hint">Verify a model to fill the table: standard and verified error with IBP and CROWN, side by side.</p>;
  return (
    <>
      <RowsTable
        title="Verification"
        testId="verify"
        heads={
          <>
            <Head label="inputs" tip="Test inputs verified." />
            <Head label="standard error" tip={METRIC_TIPS.standard} />
            <Head label="verified error (IBP)" tip={METRIC_TIPS.verified} />
            <Head label="verified error (CROWN)" tip={METRIC_TIPS.verified} />
            <Head label="certified (IBP / CROWN)" tip={METRIC_TIPS.certified} />
            <Head label="abstain on clean" tip={METRIC_TIPS.abstainClean} />
            <Head label="ms per input" tip={METRIC_TIPS.time} />
          </>
        }
      >
        {rows.map((r) => {
          const ibp = resultOf(r, 'ibp');
          const crown = resultOf(r, 'crown');
          const any = ibp ?? crown;
          return (
            <tr key={r.key} data-testid="verify-row">
              {modelCell(r)}
              <td>{r.abstainClasses}</td>
              <td>{r.eps}</td>
              <td>{r.verify!.n}</td>
              <td data-col="standard">{frac(any?.standardError)}</td>
              <td data-col="verified-ibp">{frac(ibp?.verifiedError)}</td>
              <td data-col="verified-crown">{frac(crown?.verifiedError)}</td>
              <td data-col="certified">{frac(ibp?.certifiedShare)} / {frac(crown?.certifiedShare)}</td>
              <td data-col="abstain-clean">{frac(any?.abstainClean)}</td>
              <td data-col="time">{ms(ibp?.msPerInput)} / {ms(crown?.msPerInput)}</td>
            </tr>
          );
        })}
      </RowsTable>
      <p className="hint">Verified error ≥ standard error always: a verified input is first classified right. “–”: that bound was not run.</p>
    </>
  );
}

export function PgdTable() {
  const rows = useVerification((s) => s.rows).filter((r) => r.pgd);
  if (!rows.length) return null;
  const maxM = Math.max(0, ...rows.map((r) => r.pgd!.numAbstain));
  return (
    <RowsTable
      title="Standard vs PGD error (abstain rule)"
      testId="verify-pgd"
      heads={
        <>
          <Head label="attack" tip="PGD steps × random restarts." />
          <Head label="standard error" tip={METRIC_TIPS.standard} />
          <Head label="PGD error" tip={METRIC_TIPS.pgd} />
          <Head label="detected" tip={METRIC_TIPS.detected} />
          <Head label="attack success" tip={METRIC_TIPS.success} />
          {Array.from({ length: maxM }, (_, m) => (
            <Head key={m} label={`a${m + 1}`} tip={METRIC_TIPS.perClass} />
          ))}
        </>
      }
    >
      {rows.map((r) => {
        const p = r.pgd!;
        return (
          <tr key={r.key} data-testid="verify-pgd-row">
            {modelCell(r)}
            <td>{p.numAbstain}</td>
            <td>{p.eps}</td>
            <td>
              PGD-{p.steps} × {p.restarts}
            </td>
            <td data-col="standard">{frac(p.standardError)}</td>
            <td data-col="pgd">{frac(p.pgdError)}</td>
            <td data-col="detected">{frac(p.detected)}</td>
            <td data-col="success">{frac(p.attackSuccess)}</td>
            {Array.from({ length: maxM }, (_, m) => (
              <td key={m}>{m < p.numAbstain ? p.detectedPerClass[m] : ''}</td>
            ))}
          </tr>
        );
      })}
    </RowsTable>
  );
}
