/**
 * The result table of the Node benchmarks (bench/run.ts on wasm/cpu, bench/gpu.ts on WebGPU):
 * one row per case and backend, printed as a Markdown table
 * (case | backend | median | runs (ms) | throughput | tensors).
 */
export interface Row {
  case: string;
  label: string;
  backend: string;
  medianMs: number | null;
  runsMs: number[];
  warmupMs: number | null;
  throughput: string;
  perSecond: number | null;
  tensorsLeaked: number | null;
  error?: string;
  /** A reference timed next to each run (the verify-* cases: a forward pass of the same batch). */
  reference?: { label: string; medianMs: number; runsMs: number[]; ratio: number };
}

/** The row of a case that did not run: no times, and the reason in the runs column. */
export function failedRow(id: string, label: string, backend: string, error: string): Row {
  return { case: id, label, backend, medianMs: null, runsMs: [], warmupMs: null, throughput: '', perSecond: null, tensorsLeaked: null, error };
}

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function printTable(rows: Row[]): void {
  const header = ['case', 'backend', 'median', 'runs (ms)', 'throughput', 'tensors'];
  const lines = rows.map((r) => [
    r.case,
    r.backend,
    r.medianMs === null ? 'FAILED' : `${fmtMs(r.medianMs)} ms`,
    r.error ? r.error : r.runsMs.map(fmtMs).join(', '),
    r.throughput,
    r.tensorsLeaked === null ? '-' : r.tensorsLeaked === 0 ? 'ok (0 leaked)' : `LEAK ${r.tensorsLeaked}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}
