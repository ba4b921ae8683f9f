/**
 * The frame shared by the results plots: axes titled in words, a horizontal legend under the plot
 * in small type, and a uirevision so that the user's zoom survives redraws with new data.
 */
import type { Layout } from 'plotly.js-cartesian-dist-min';

/** An axis: its title and any other plotly axis settings (range, rangemode, …). */
type AxisSpec = { title: string } & Record<string, unknown>;

export interface ResultLayoutSpec {
  x: AxisSpec;
  y: AxisSpec;
  height: number;
  /** The bottom margin in px, room for the legend. */
  bottom: number;
  /** Where the legend sits, in plot heights (negative: under the plot). */
  legendY: number;
  uirevision: string;
  /** The left margin in px, room for the y axis. */
  left?: number;
  /** Further layout entries (shapes, annotations). */
  extra?: Layout;
}

const axis = ({ title, ...rest }: AxisSpec) => ({ title: { text: title }, ...rest });

export function resultLayout({ x, y, height, bottom, legendY, uirevision, left = 52, extra }: ResultLayoutSpec): Layout {
  return {
    margin: { l: left, r: 10, t: 10, b: bottom },
    xaxis: axis(x),
    yaxis: axis(y),
    legend: { orientation: 'h', y: legendY, font: { size: 11 } },
    height,
    uirevision,
    ...extra,
  };
}
