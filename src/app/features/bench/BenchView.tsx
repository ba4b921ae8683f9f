/** The in-page benchmark: the bench cases of the core on each backend the browser offers. */
import { useEffect, useState } from 'react';
import type { BenchRow } from '../../../../workers/protocol';
import { useStore } from '../../state/store';
import { worker } from '../../workerClient';
import { BACKENDS, useRowStream } from './rowStream';
import { NoiseCheckPanel } from './NoiseCheckPanel';
import { ResponsivenessPanel } from './ResponsivenessPanel';
import { ViewIntro } from '../../ui/ViewIntro';
import { Section } from '../../ui/Section';
import { type Column, ColumnTable } from '../../ui/ColumnTable';
import { useBusy } from '../../ui/useBusy';

const BENCH_COLUMNS: Column<BenchRow>[] = [
  { head: 'case', cell: (r) => r.label },
  { head: 'backend', cell: (r) => r.backend },
  { head: 'median', cell: (r) => (r.medianMs === null ? '—' : `${r.medianMs.toFixed(1)} ms`) },
  { head: 'runs (ms)', cell: (r) => r.runsMs.map((x) => x.toFixed(0)).join(', ') },
  { head: 'throughput', cell: (r) => (r.error ? <span className="error">{r.error}</span> : r.throughput) },
];

export function BenchView() {
  const busy = useBusy();
  const active = useStore((s) => s.backend?.backend ?? null);
  const [cases, setCases] = useState<Array<{ id: string; label: string; description: string }>>([]);
  const [chosenCases, setChosenCases] = useState<string[]>([]);
  const [backends, setBackends] = useState<string[]>(['wasm']);
  const [repeats, setRepeats] = useState(3);
  const [rows, stream] = useRowStream<BenchRow>();
  useEffect(() => {
    void worker()
      .benchCases()
      .then((c) => {
        setCases(c);
        setChosenCases(c.map((x) => x.id));
      });
  }, []);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const run = () =>
    stream('bench', 'Benchmark', backends.length * chosenCases.length, (row) => `${row.label} on ${row.backend}`, (jobId, onRow) => worker().bench(jobId, backends, chosenCases, repeats, onRow));
  return (
    <div className="bench" data-testid="bench-view">
      <ViewIntro
        id="bench"
        title="Bench: how fast, and how smooth"
        idea="Times the workbench's core computations on each backend this browser offers, so you can pick the fastest before a long run. Below, the page's own record of how its main thread fared while your jobs ran."
        papers={[]}
      />
      <Section title="Benchmark">
        <p className="hint">
          Times the workbench's core operations on each tfjs backend in this browser (the page is using <strong>{active ?? '…'}</strong>). The same cases run in Node with <code>npm run bench</code>. CPU is 30–60× slower than WASM: expect minutes.
        </p>
        <div className="row">
          {BACKENDS.map((b) => (
            <label key={b} className="toggle">
              <input type="checkbox" checked={backends.includes(b)} onChange={() => setBackends(toggle(backends, b))} data-testid={`bench-backend-${b}`} /> {b}
            </label>
          ))}
          <label className="toggle" title="Timed runs per case after one warm-up run; the table shows the median.">
            repeats <input type="number" min={1} max={20} value={repeats} onChange={(e) => setRepeats(Math.max(1, Math.min(20, Number(e.target.value) || 1)))} />
          </label>
        </div>
        <div className="row">
          {cases.map((c) => (
            <label key={c.id} className="toggle" title={c.description}>
              <input type="checkbox" checked={chosenCases.includes(c.id)} onChange={() => setChosenCases(toggle(chosenCases, c.id))} /> {c.label}
            </label>
          ))}
        </div>
        <button type="button" className="primary" data-testid="bench-run" disabled={busy || !backends.length || !chosenCases.length} onClick={() => void run()}>
          Run benchmark
        </button>
        <ColumnTable columns={BENCH_COLUMNS} rows={rows} rowKey={(r) => `${r.caseId}-${r.backend}`} testId="bench-table" />
      </Section>
      <ResponsivenessPanel />
      <NoiseCheckPanel />
    </div>
  );
}
