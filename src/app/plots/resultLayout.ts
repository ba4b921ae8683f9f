/**
 * The frame shared by the results plots: axes titled in words, and a uirevision so that the user's
 * zoom survives redraws with new data. The page draws the legend in HTML (PlotLegend); the
 * legend settings here are for a downloaded image, where plotly draws it under the plot.
 */
import type { Layout } from 'plotly.js-cartesian-dist-min';

/** An axis: its title and any other plotly axis settings (range, rangemode, …). */
type AxisSpec = { title: string } & Record<string, unknown>;

export interface ResultLayoutSpec {
  x: AxisSpec;
  y: AxisSpec;
  height: number;
  uirevision: string;
  /** The left margin in px, room for the y axis. */
  left?: number;
  /** Further layout entries (shapes, annotations). */
  extra?: Layout;
}

const axis = ({ title, ...rest }: AxisSpec) => ({ title: { text: title }, ...rest });

export function resultLayout({ x, y, height, uirevision, left = 52, extra }: ResultLayoutSpec): Layout {
  return {
    margin: { l: left, r: 10, t: 10, b: 48 },
    xaxis: axis(x),
    yaxis: axis(y),
    legend: { orientation: 'h', y: -0.18, yanchor: 'top', font: { size: 11 } },
    height,
    uirevision,
    ...extra,
  };
}
