/** The in-page benchmark: the bench cases of the core on each backend the browser offers. */
import { useEffect, useState } from 'react';
import type { BenchRow } from '../../../../workers/protocol';
import { useStore } from '../../state/store';
import { worker } from '../../workerClient';
import { otherWasmThreads, runBench, threadSpeedups } from './benchRun';
import { BACKENDS, useRowStream } from './rowStream';
import { type CorePace, paceLine, paceWarns } from './corePace';
import { NoiseCheckPanel } from './NoiseCheckPanel';
import { ResponsivenessPanel } from './ResponsivenessPanel';
import { BackendChoicePanel } from './BackendChoicePanel';
import { ViewIntro } from '../../ui/ViewIntro';
import { Section } from '../../ui/Section';
import { type Column, ColumnTable } from '../../ui/ColumnTable';
import { useBusy } from '../../ui/useBusy';

const BENCH_COLUMNS: Column<BenchRow>[] = [
  { head: 'case', cell: (r) => r.label },
  { head: 'backend', cell: (r) => r.backend },
  { head: 'threads', cell: (r) => (r.threads === null ? '—' : String(r.threads)) },
  { head: 'median', cell: (r) => (r.medianMs === null ? '—' : `${r.medianMs.toFixed(1)} ms`) },
  { head: 'runs (ms)', col: 'runs', cell: (r) => <span data-started={r.runsAt?.map((t) => t.toFixed(1)).join(',')}>{r.runsMs.map((x) => x.toFixed(0)).join(', ')}</span> },
  { head: 'throughput', cell: (r) => (r.error ? <span className="error">{r.error}</span> : r.throughput) },
];

type Speedup = ReturnType<typeof threadSpeedups>[number];

const SPEEDUP_COLUMNS: Column<Speedup>[] = [
  { head: 'case', cell: (r) => r.label },
  { head: '1 thread', cell: (r) => `${r.oneMs.toFixed(1)} ms` },
  { head: 'all threads', cell: (r) => `${r.manyMs.toFixed(1)} ms (${r.threads})` },
  { head: 'speed-up', cell: (r) => `${r.speedup.toFixed(2)}×` },
];

/** What the WASM backend computes on, in words. */
function ThreadsLine() {
  const backend = useStore((s) => s.backend);
  if (!backend) return null;
  const wasm = backend.backend === 'wasm';
  return (
    <p className="hint" data-testid="bench-threads">
      {wasm ? (
        <>
          WASM computes on <strong>{backend.wasmThreads === 1 ? 'one thread' : `${backend.wasmThreads} threads`}</strong> here{backend.threadsNote ? ` (${backend.threadsNote})` : ''}.
        </>
      ) : (
        <>The page computes on {backend.backend}.</>
      )}{' '}
      With WASM checked, each case runs on one thread and, where the page may use threads (cross-origin isolated), on one thread per core, each count in a worker of its own unless the page uses it; the counts take turns run by run, so both meet the machine in the same seconds, and the speed-up table compares them.
    </p>
  );
}

export function BenchView() {
  const busy = useBusy();
  const active = useStore((s) => s.backend?.backend ?? null);
  const pageThreads = useStore((s) => (s.backend?.backend === 'wasm' ? s.backend.wasmThreads : 1));
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
  const [paces, setPaces] = useState<CorePace[]>([]);
  const run = async () => {
    const maxThreads = useStore.getState().backend?.maxThreads ?? 1;
    const others = otherWasmThreads(backends, active, pageThreads, maxThreads);
    const total = (backends.filter((b) => b !== 'wasm' || active === 'wasm').length + others.length) * chosenCases.length;
    // Each core's pace matters where WASM runs on several threads.
    const paceWorkers = backends.includes('wasm') && maxThreads > 1 ? maxThreads : 0;
    setPaces([]);
    await stream('bench', 'Benchmark', total, (row) => `${row.label} on ${row.backend}${row.threads ? ` (${row.threads} thread${row.threads === 1 ? '' : 's'})` : ''}`, (jobId, onRow) =>
      runBench(jobId, backends, chosenCases, repeats, others, active, onRow, paceWorkers, (p) => setPaces((all) => [...all, p])),
    );
  };
  const speedups = threadSpeedups(rows);
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
        <ThreadsLine />
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
        <button type="button" className="primary" data-testid="bench-run" disabled={busy || !active || !backends.length || !chosenCases.length} onClick={() => void run()}>
          Run benchmark
        </button>
        {active ? null : <span className="hint"> Waits until the page has chosen its backend (the first start times each one), which would otherwise share the cores with the cases.</span>}
        <ColumnTable columns={BENCH_COLUMNS} rows={rows} rowKey={(r) => `${r.caseId}-${r.backend}-${r.threads ?? ''}`} testId="bench-table" />
        {speedups.length ? (
          <>
            <p className="hint">Speed-up from threads: the one-thread median over the all-threads median of the same case (2 threads at best double the pace; memory-bound steps gain less).</p>
            <ColumnTable columns={SPEEDUP_COLUMNS} rows={speedups} rowKey={(r) => r.caseId} testId="bench-speedup" />
          </>
        ) : null}
        {paces.length ? (
          <div data-testid="bench-cores">
            <p className="hint">
              Cores: a page cannot choose the core a thread runs on, so before and after the cases one worker times fixed loops alone, then one worker per core times the same loops all at once. Where one takes over 1.25× as long as another, or as the one alone, the machine is sharing its cores, and a job split over threads waits for the slowest. (A core shared for seconds at a time can slip through; a pinned check, npm run bench:compare, sees more.)
            </p>
            {paces.map((p) => (
              <p key={p.when} className={paceWarns(p) ? 'hint warn' : 'hint'} data-testid={`bench-cores-${p.when}`}>
                {paceLine(p)}
              </p>
            ))}
          </div>
        ) : null}
      </Section>
      <BackendChoicePanel />
      <ResponsivenessPanel />
      <NoiseCheckPanel />
    </div>
  );
}
