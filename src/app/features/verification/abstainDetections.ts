/**
 * Baharlouei et al., Fig. 4: how the detected adversarial inputs spread over the abstain classes — per
 * model, the share of test inputs whose PGD point (abstain success rule) lands in abstain class
 * a_m, as bars grouped per model, so the regularised and unregularised M = 3 sit side by side
 * (without the regulariser of Eq. 16 the detections collapse into one class, or none).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { VerifyRow } from './verification';
import { ABSTAIN_COLORS } from '../../plots/colors';

/** The rows that have a PGD table and at least one abstain class. */
export function detectionRows(rows: VerifyRow[]): Array<VerifyRow & { pgd: NonNullable<VerifyRow['pgd']> }> {
  return rows.filter((r): r is VerifyRow & { pgd: NonNullable<VerifyRow['pgd']> } => !!r.pgd && r.pgd.numAbstain > 0);
}

/** A category label in lines of about `width` characters (plotly breaks lines at <br>). */
function wrap(text: string, width = 20): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length ? lines[lines.length - 1] : null;
    if (last !== null && last.length + word.length < width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('<br>');
}

export function detectionTraces(rows: VerifyRow[]): Data[] {
  const shown = detectionRows(rows);
  const maxM = Math.max(0, ...shown.map((r) => r.pgd.numAbstain));
  // A narrow card gives each group about 48 characters' width shared out: labels wrap to fit it.
  const width = Math.max(8, Math.min(20, Math.floor(48 / Math.max(1, shown.length))));
  const x = shown.map((r) => `${wrap(r.modelName, width)}<br>eps ${r.eps}`);
  return Array.from({ length: maxM }, (_, m) => ({
    type: 'bar',
    name: `abstain a${m + 1}`,
    x,
    y: shown.map((r) => (m < r.pgd.numAbstain && r.pgd.n > 0 ? r.pgd.detectedPerClass[m] / r.pgd.n : 0)),
    customdata: shown.map((r) => (m < r.pgd.numAbstain ? r.pgd.detectedPerClass[m] : 0)),
    marker: { color: ABSTAIN_COLORS[m % ABSTAIN_COLORS.length], line: { color: '#222', width: 0.5 } },
    hovertemplate: `%{x}<br>a${m + 1}: %{y:.1%} of the inputs (%{customdata})<extra></extra>`,
  }) as Data);
}

/**
 * The bottom margin fits the longest category label (14 px a line) instead of plotly's automargin,
 * which lays the plot out twice on every redraw.
 */
export function detectionLayout(traces: Data[]): Layout {
  const labels = ((traces[0]?.x as string[] | undefined) ?? []).map((l) => l.split('<br>').length);
  return { ...DETECTION_FRAME, margin: { l: 52, r: 10, t: 10, b: 14 * Math.max(1, ...labels) + 16 } } as Layout;
}

const DETECTION_FRAME: Layout = {
  barmode: 'group',
  xaxis: { tickangle: 0, tickfont: { size: 11 } },
  yaxis: { title: { text: 'share of test inputs detected' }, tickformat: '.0%', rangemode: 'tozero' },
  legend: { orientation: 'h', y: 1.12, font: { size: 11 } },
  height: 380,
  uirevision: 'detections',
} as Layout;
