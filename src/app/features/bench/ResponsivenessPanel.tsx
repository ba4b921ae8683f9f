/**
 * How the page's main thread fared during the last jobs, as the browser measured it (long tasks
 * and input latency, state/responsiveness.ts): the figures of the page's drawing budget — no
 * task over 50 ms and input answered within 100 ms while a job runs.
 */
import { useEffect, useState } from 'react';
import { type ResponsivenessWindow, onResponsivenessChange, responsivenessSupported, responsivenessWindows } from '../../state/responsiveness';
import { Section } from '../../ui/Section';
import { type Column, ColumnTable } from '../../ui/ColumnTable';

const within = (ok: boolean, text: string) => <span className={ok ? 'ok' : 'error'}>{text}</span>;

const COLUMNS: Column<ResponsivenessWindow>[] = [
  { head: 'job', cell: (w) => w.label },
  { head: 'time', cell: (w) => `${(w.ms / 1000).toFixed(1)} s` },
  { head: 'tasks over 50 ms', col: 'long', tip: 'Main-thread tasks longer than 50 ms while the job ran (the budget: none).', cell: (w) => within(w.longTasks === 0, String(w.longTasks)) },
  { head: 'longest task', col: 'longest', cell: (w) => within(w.longestTaskMs <= 50, w.longTasks ? `${w.longestTaskMs.toFixed(0)} ms` : '≤ 50 ms') },
  { head: 'busy', tip: 'Main-thread time spent in tasks over 50 ms.', cell: (w) => `${w.busyMs.toFixed(0)} ms` },
  {
    head: 'input, 95th pct.',
    col: 'input',
    tip: 'From a click or key press to the next frame drawn, over the inputs made during the job (the budget: 100 ms).',
    cell: (w) => (w.inputP95Ms === null ? 'no input' : within(w.inputP95Ms <= 100, `${w.inputP95Ms.toFixed(0)} ms (${w.interactions} inputs)`)),
  },
  { head: 'slowest plot redraw', col: 'draw', tip: 'The plot whose redraw took longest while the job ran, and how long (plotly lays out a plot in one piece).', cell: (w) => w.slowestDraw ?? 'none over 16 ms' },
];

export function ResponsivenessPanel() {
  const [windows, setWindows] = useState(responsivenessWindows);
  useEffect(() => onResponsivenessChange(() => setWindows(responsivenessWindows())), []);
  return (
    <Section title="Page responsiveness during jobs" testId="responsiveness-panel">
      <p className="hint">
        The page only draws; the work runs in a worker. For each recent job: main-thread tasks over 50 ms (a stall you can feel) and how long a click or key press took to show on screen.
        The budget is no task over 50 ms and input within 100 ms. The last column names the plot that took longest to redraw, the usual cause of a long task.
      </p>
      {responsivenessSupported() ? (
        windows.length ? (
          <ColumnTable columns={COLUMNS} rows={[...windows].reverse()} rowKey={(w) => `${w.label}-${w.ms}`} testId="responsiveness-table" rowTestId="responsiveness-row" />
        ) : (
          <p className="hint">No job has run yet in this page: run one in any view and come back.</p>
        )
      ) : (
        <p className="hint">This browser does not report long tasks (PerformanceObserver 'longtask'), so nothing can be measured here.</p>
      )}
    </Section>
  );
}
