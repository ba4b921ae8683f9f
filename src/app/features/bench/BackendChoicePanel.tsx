/** The Bench view's account of how the page chose its backend: the figures measured on this device, or what the address forced. */
import { useState } from 'react';
import { type BackendFigure, candidateLabel, measureBackends, saveChoice } from '../../state/backendChoice';
import { useStore } from '../../state/store';
import { Section } from '../../ui/Section';
import { type Column, ColumnTable } from '../../ui/ColumnTable';
import { useBusy } from '../../ui/useBusy';

const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(1)} ms`);

export function BackendChoicePanel() {
  const choice = useStore((s) => s.backendChoice);
  const forcedBackend = useStore((s) => s.requestedBackend);
  const forcedThreads = useStore((s) => s.requestedThreads);
  const pushMessage = useStore((s) => s.pushMessage);
  const busy = useBusy();
  const [measuring, setMeasuring] = useState<string | null>(null);
  const chosen = choice?.chosen;
  const columns: Column<BackendFigure>[] = [
    { head: 'backend', cell: (f) => candidateLabel(f) },
    { head: 'MLP PGD step', cell: (f) => ms(f.mlpPgdStepMs) },
    { head: 'CNN forward', cell: (f) => ms(f.cnnForwardMs) },
    { head: 'score', cell: (f) => (f.score === null ? <span className="error">{f.error ?? 'could not run'}</span> : `${f.score.toFixed(1)} ms`) },
    { head: 'chosen', cell: (f) => (chosen && f.backend === chosen.backend && f.threads === chosen.threads ? '✓' : '') },
  ];
  const again = async () => {
    setMeasuring('…');
    try {
      const next = await measureBackends(setMeasuring);
      if (!next) {
        pushMessage('warning', 'No backend could be timed; the page keeps its current one.');
        return;
      }
      saveChoice(next);
      useStore.setState({ backendChoice: next });
      pushMessage('info', `Measured again: ${candidateLabel(next.chosen)} is fastest here. The page uses it from its next start (reload).`);
    } finally {
      setMeasuring(null);
    }
  };
  return (
    <Section title="Backend choice" testId="backend-choice">
      <p className="hint">
        At its first start on a device the page times a small job on each backend it could use — an MLP PGD step (PGD-10 on one 10-point training batch of the 2-D playground) and a CNN forward pass (the default image CNN on 64 images) — and runs on the fastest: the lowest time for both jobs together (threads slow the first, in small kernels, and speed up the second). Each time is the fastest of 5 runs in each of two rounds, the candidates taking turns. The figures are kept in this browser; add <code>?backend=NAME</code> or <code>?threads=N</code> to the address to force a choice.
      </p>
      {forcedBackend !== null || forcedThreads !== null ? (
        <p className="hint" data-testid="backend-forced">
          This page was started with {forcedBackend !== null ? <code>backend={forcedBackend}</code> : null}
          {forcedBackend !== null && forcedThreads !== null ? ' and ' : null}
          {forcedThreads !== null ? <code>threads={forcedThreads}</code> : null} in its address, which overrides the measured choice{forcedThreads === null ? ' (its thread count is the fastest measured for that backend)' : ''}.
        </p>
      ) : null}
      {choice ? (
        <>
          <p className="hint">
            Measured {new Date(choice.measuredAt).toLocaleString()} on this device; chosen: <strong data-testid="backend-chosen">{candidateLabel(choice.chosen)}</strong>.
          </p>
          <ColumnTable columns={columns} rows={choice.figures} rowKey={(f) => candidateLabel(f)} testId="backend-figures" />
        </>
      ) : null}
      <button type="button" data-testid="backend-measure" disabled={busy || measuring !== null} onClick={() => void again()} title="Times every candidate again in workers of their own (a few seconds); the page switches at its next start.">
        {measuring ? `Timing ${measuring}…` : 'Measure again'}
      </button>
    </Section>
  );
}
