/**
 * A plot's legend in HTML instead of plotly's SVG legend: plotly measures every legend label's
 * text on every redraw (about a third of a small plot's redraw time here), an HTML legend is laid
 * out once by the browser, wraps to the card's width and stays legible on a projector. Each entry
 * is a button: a click hides or shows its traces (a legend group together), a double click shows
 * only that one (again: all).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { svgMarker } from './canvasPoints';
import { legendKey } from './legendKey';

export interface LegendEntry {
  /** What a click toggles: the trace's legend group, else its name. */
  key: string;
  name: string;
  mode: 'line' | 'marker' | 'line+marker' | 'box';
  color: string;
  dash: string;
  symbol: string;
  outline: string | null;
}

interface TraceLike {
  type?: string;
  mode?: string;
  name?: string;
  showlegend?: boolean;
  legendgroup?: string;
  marker?: { color?: unknown; symbol?: unknown; line?: { color?: unknown } };
  line?: { color?: string; dash?: string };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const entryKey = (t: TraceLike): string | null => legendKey(t);

/** The legend's entries, as plotly would list them: named traces not marked showlegend: false. */
export function legendEntries(data: Data[], layout: Layout): LegendEntry[] {
  if ((layout as { showlegend?: boolean }).showlegend === false) return [];
  const entries: LegendEntry[] = [];
  for (const raw of data) {
    const t = raw as TraceLike;
    if (t.showlegend === false || !t.name) continue;
    if (t.type && t.type !== 'scatter' && t.type !== 'bar' && t.type !== 'scattergl') continue;
    const color = text(t.line?.color) ?? text(t.marker?.color) ?? '#444';
    const mode = t.type === 'bar' ? 'box' : (t.mode ?? 'markers').includes('lines') ? ((t.mode ?? '').includes('markers') ? 'line+marker' : 'line') : 'marker';
    entries.push({
      key: entryKey(t)!,
      name: t.name,
      mode,
      color: mode === 'line' || mode === 'line+marker' ? color : (text(t.marker?.color) ?? color),
      dash: t.line?.dash ?? 'solid',
      symbol: text(t.marker?.symbol) ?? 'circle',
      outline: text(t.marker?.line?.color),
    });
  }
  // Plotly shows a legend for two or more entries, or when asked to.
  return entries.length >= 2 || (layout as { showlegend?: boolean }).showlegend === true ? entries : [];
}

/** The traces with those of hidden legend groups set to 'legendonly' (kept in the data, not drawn). */
export function withHidden(data: Data[], hidden: ReadonlySet<string>): Data[] {
  if (!hidden.size) return data;
  let changed = false;
  const out = data.map((raw) => {
    const key = entryKey(raw as TraceLike);
    if (!key || !hidden.has(key)) return raw;
    changed = true;
    return { ...raw, visible: 'legendonly' } as Data;
  });
  // The same array when nothing is hidden in it (e.g. only canvas layers are), so the plot need not redraw.
  return changed ? out : data;
}

const DASHES: Record<string, string> = { dash: '4 3', dot: '1.5 2', dashdot: '4 2 1.5 2', longdash: '7 3' };

function Swatch({ entry }: { entry: LegendEntry }) {
  const line = entry.mode === 'line' || entry.mode === 'line+marker';
  const marker = entry.mode === 'marker' || entry.mode === 'line+marker';
  const m = marker ? svgMarker(entry.symbol, 12, 6, 4) : null;
  return (
    <svg width="24" height="12" viewBox="0 0 24 12" aria-hidden="true">
      {entry.mode === 'box' ? <rect x="5" y="1" width="14" height="10" fill={entry.color} /> : null}
      {line ? <line x1="1" y1="6" x2="23" y2="6" stroke={entry.color} strokeWidth="2" strokeDasharray={DASHES[entry.dash]} /> : null}
      {m ? <path d={m.d} fill={m.filled ? entry.color : 'none'} stroke={m.filled ? (entry.outline ?? 'none') : (entry.outline ?? entry.color)} strokeWidth="1.5" /> : null}
    </svg>
  );
}

export function PlotLegend({ entries, hidden, onChange }: { entries: LegendEntry[]; hidden: ReadonlySet<string>; onChange: (hidden: Set<string>) => void }) {
  if (!entries.length) return null;
  const toggle = (key: string) => {
    const next = new Set(hidden);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onChange(next);
  };
  // A double click arrives after the click that toggled the entry: judge by the state before it.
  const only = (key: string) => {
    const before = new Set(hidden);
    if (before.has(key)) before.delete(key);
    else before.add(key);
    const keys = new Set(entries.map((e) => e.key));
    const alone = !before.has(key) && [...keys].every((k) => k === key || before.has(k));
    onChange(alone ? new Set() : new Set([...keys].filter((k) => k !== key)));
  };
  return (
    <div className="plot-legend" role="group" aria-label="Legend: click to hide or show, double-click to show only one">
      {entries.map((e, i) => (
        <button
          key={`${e.key}:${i}`}
          type="button"
          className="legend-entry"
          aria-pressed={!hidden.has(e.key)}
          onClick={(ev) => (ev.detail === 2 ? only(e.key) : ev.detail <= 1 ? toggle(e.key) : undefined)}
        >
          <Swatch entry={e} />
          <span>{e.name}</span>
        </button>
      ))}
    </div>
  );
}
