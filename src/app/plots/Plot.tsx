/**
 * A thin React component over plotly.js. Redraws are paced by their measured cost: each
 * Plotly.react runs in a task of its own (never inside the input or message that changed the
 * data, so the page paints first), and a plot waits at least REDRAW_GAP × its last draw time
 * before the next, taking only the newest data — a plot that costs 30 ms to draw uses at most a
 * fifth of the main thread however fast its data changes. While a job runs, plots out of sight
 * wait until they are scrolled to or the job ends.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import Plotly, { type Data, type Layout } from 'plotly.js-cartesian-dist-min';
import { useStore } from '../state/store';
import { MIN_RECORDED_MS, recordDraw } from '../state/responsiveness';
import { PlotLegend, legendEntries, withHidden } from './PlotLegend';

export interface PlotProps {
  data: Data[];
  layout: Layout;
  className?: string;
  testId?: string;
  /** Called with the plot's element after every plotly draw (a redraw, a zoom, a legend click). */
  onDrawn?: (gd: HTMLElement) => void;
  /** The traces a downloaded image shows, when they differ from those plotly draws (markers drawn on a canvas). */
  exportData?: Data[];
  /**
   * The layout of a downloaded image, when it differs from the one plotly draws (the plane drawn
   * on a canvas), made when the image is asked for; `release` frees what it holds (an object URL).
   */
  exportLayout?: () => Promise<{ layout: Layout; release(): void }>;
  /** The traces the legend lists, when they differ from those plotly draws (markers drawn on a canvas). */
  legendData?: Data[];
  /** Called with the legend keys the user has hidden (legendKey), whenever they change. */
  onHidden?: (hidden: ReadonlySet<string>) => void;
}

/**
 * The modebar's camera button saves the plot as a PNG with its legend drawn by plotly (the page
 * shows an HTML legend) and every marker (some are drawn on a canvas over the plot on the page).
 */
function config(figure: { current: { data: Data[]; layout: Layout; exportLayout?: () => Promise<{ layout: Layout; release(): void }> } }) {
  return {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ['lasso2d', 'select2d', 'toImage'],
    modeBarButtonsToAdd: [
      {
        name: 'Download the plot as a PNG',
        icon: Plotly.Icons.camera,
        click: async (gd: HTMLElement) => {
          const { data, layout: drawn, exportLayout } = figure.current;
          const made = exportLayout ? await exportLayout() : { layout: drawn, release: () => undefined };
          const { layout } = made;
          const size = { width: gd.clientWidth, height: gd.clientHeight };
          try {
            await Plotly.downloadImage({ data, layout: { ...layout, ...size, showlegend: legendEntries(data, layout).length > 0 } }, { format: 'png', filename: 'plot', ...size });
          } finally {
            made.release();
          }
        },
      },
    ],
  };
}
/** The pause after a redraw, in units of that redraw's own time. */
const REDRAW_GAP = 4;
const MAX_PAUSE_MS = 1000;

type PlotlyElement = HTMLDivElement & { on?: (event: string, fn: () => void) => void };

interface Pacer {
  pending: { data: Data[]; layout: Layout } | null;
  timer: ReturnType<typeof setTimeout> | null;
  notifying: ReturnType<typeof setTimeout> | null;
  readyAt: number;
  listening: boolean;
  gone: boolean;
  drawn: boolean;
  /** Whether the empty frame has been laid out (see draw). */
  scaffold: boolean;
  /** Whether the plot is on screen (or near it). */
  visible: boolean;
}

/**
 * Plotly hides a linear axis's tick labels that pass the plot's edge by measuring every label
 * against every other, once per label (getBoundingClientRect in a loop, a quarter of a small
 * plot's draw); the margins here leave room for the labels, so they are drawn as they are.
 */
function drawnLayout(layout: Layout): Layout {
  const out: Record<string, unknown> = { autosize: true, ...layout };
  for (const key of Object.keys(out)) {
    const ax = out[key];
    if (/^[xy]axis\d*$/.test(key) && ax && typeof ax === 'object' && !('ticklabeloverflow' in ax)) out[key] = { ticklabeloverflow: 'allow', ...ax };
  }
  if (!out.xaxis) out.xaxis = { ticklabeloverflow: 'allow' };
  if (!out.yaxis) out.yaxis = { ticklabeloverflow: 'allow' };
  return out as Layout;
}

const jobsRunning = () => Object.keys(useStore.getState().jobs).length > 0;

export function Plot({ data, layout, className, testId, onDrawn, exportData, exportLayout, legendData, onHidden }: PlotProps) {
  const ref = useRef<PlotlyElement>(null);
  const entries = useMemo(() => legendEntries(legendData ?? data, layout), [legendData, data, layout]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const hiddenSeen = useRef(onHidden);
  hiddenSeen.current = onHidden;
  useEffect(() => hiddenSeen.current?.(hidden), [hidden]);
  const figure = useRef({ data: exportData ?? data, layout, exportLayout });
  figure.current = { data: withHidden(exportData ?? data, hidden), layout, exportLayout };
  const plotConfig = useMemo(() => config(figure), []);
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;
  const pacer = useRef<Pacer>({ pending: null, timer: null, notifying: null, readyAt: 0, listening: false, gone: false, drawn: false, scaffold: false, visible: true });
  const schedule = useRef(() => {});
  schedule.current = () => {
    const p = pacer.current;
    if (p.timer || !p.pending || p.gone) return;
    // While a job runs, a plot scrolled out of sight waits: it draws when it comes into view or
    // when the job ends, so a busy page spends its main thread on what the user sees.
    if (p.drawn && !p.visible && jobsRunning()) return;
    // Draw just after a frame: the frame lays out whatever the page changed (new panels, tables),
    // which plotly's first measurement would otherwise force inside its own task.
    p.timer = setTimeout(() => requestAnimationFrame(() => setTimeout(draw)), Math.max(0, p.readyAt - performance.now()));
  };
  const record = (el: HTMLElement, t0: number, cost: number) => {
    if (cost >= MIN_RECORDED_MS) recordDraw(el.closest('section')?.querySelector('h2')?.textContent ?? testId ?? 'a plot', t0, cost);
  };
  // What follows a draw (a canvas overlay's markers) runs once per draw, in a task of its own:
  // plotly announces a redraw both by its event and by its promise.
  const notify = (el: HTMLElement) => {
    const p = pacer.current;
    if (p.notifying) return;
    p.notifying = setTimeout(() => {
      p.notifying = null;
      if (!p.gone) drawn.current?.(el);
    });
  };
  const draw = () => {
    const p = pacer.current;
    p.timer = null;
    const el = ref.current;
    const next = p.pending;
    if (!el || !next || p.gone) return;
    const t0 = performance.now();
    if (!p.scaffold) {
      // A plot's first draw builds its whole SVG scaffold (axes, layers, modebar) and costs about
      // twice a redraw: lay the empty frame out in one task and draw the data in the next.
      p.scaffold = true;
      void Plotly.newPlot(el, [], drawnLayout(next.layout), plotConfig);
      const cost = performance.now() - t0;
      record(el, t0, cost);
      p.readyAt = performance.now() + cost;
      schedule.current();
      return;
    }
    p.pending = null;
    const done = Plotly.react(el, next.data, drawnLayout(next.layout), plotConfig);
    const cost = performance.now() - t0;
    record(el, t0, cost);
    p.drawn = true;
    p.readyAt = performance.now() + Math.min(MAX_PAUSE_MS, REDRAW_GAP * cost);
    void done.then(() => {
      if (p.gone) return;
      if (!p.listening && el.on) {
        p.listening = true;
        el.on('plotly_afterplot', () => notify(el));
        el.on('plotly_relayout', () => notify(el));
      }
      notify(el);
      schedule.current();
    });
  };
  const given = useRef<{ data: Data[]; layout: Layout } | null>(null);
  useEffect(() => {
    const shown = withHidden(data, hidden);
    // A legend click that hides nothing plotly draws (a canvas layer) leaves the plot as it is.
    if (given.current && given.current.data === shown && given.current.layout === layout) return;
    given.current = { data: shown, layout };
    // The legend is drawn in HTML below the plot (PlotLegend), never by plotly.
    pacer.current.pending = { data: shown, layout: { ...layout, showlegend: false } };
    schedule.current();
  }, [data, layout, hidden]);
  useEffect(() => {
    const el = ref.current;
    const p = pacer.current;
    p.gone = false;
    const seen = typeof IntersectionObserver === 'undefined' || !el
      ? null
      : new IntersectionObserver((entries) => {
          p.visible = entries[entries.length - 1].isIntersecting;
          if (p.visible) schedule.current();
        }, { rootMargin: '200px' });
    if (seen && el) seen.observe(el);
    const idle = useStore.subscribe((s, prev) => {
      if (Object.keys(prev.jobs).length && !Object.keys(s.jobs).length) schedule.current();
    });
    return () => {
      p.gone = true;
      seen?.disconnect();
      idle();
      if (p.timer) clearTimeout(p.timer);
      if (p.notifying) clearTimeout(p.notifying);
      p.timer = null;
      p.notifying = null;
      if (el) Plotly.purge(el);
    };
  }, []);
  return (
    <div className="plot-box">
      <div ref={ref} className={className ?? 'plot'} data-testid={testId} />
      <FullScreenButton plot={ref} />
      <PlotLegend entries={entries} hidden={hidden} onChange={setHidden} />
    </div>
  );
}

/**
 * Shows the plot (with its canvas overlay, when it has one) full screen, for a projector; plotly
 * resizes to fit on entry and exit.
 */
function FullScreenButton({ plot }: { plot: React.RefObject<PlotlyElement | null> }) {
  const toggle = () => {
    const el = plot.current;
    if (!el) return;
    if (document.fullscreenElement) {
      void document.exitFullscreen();
      return;
    }
    const target = (el.closest('.region-plot') as HTMLElement | null) ?? (el.parentElement as HTMLElement);
    const resize = () => {
      if (plot.current) Plotly.Plots.resize(plot.current);
      if (!document.fullscreenElement) document.removeEventListener('fullscreenchange', resize);
    };
    document.addEventListener('fullscreenchange', resize);
    void target.requestFullscreen?.().catch(() => document.removeEventListener('fullscreenchange', resize));
  };
  return (
    <button type="button" className="fullscreen" title="Full screen (Esc to leave)" aria-label="Show this plot full screen" onClick={toggle}>
      <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
        <path d="M1 4V1h3M8 1h3v3M11 8v3H8M4 11H1V8" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
    </button>
  );
}
