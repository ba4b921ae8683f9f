declare module 'plotly.js-cartesian-dist-min' {
  // The minified bundle ships without types; the wrapper in Plot.tsx uses this much of it.
  export type Data = Record<string, unknown>;
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;
  export function react(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<unknown>;
  export function newPlot(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<unknown>;
  export function purge(root: HTMLElement): void;
  /** Saves a figure ({ data, layout } or a drawn plot) as an image file. */
  export function downloadImage(figure: HTMLElement | { data: Data[]; layout: Layout }, options: { format: 'png' | 'svg'; filename: string; width?: number; height?: number }): Promise<string>;
  /** Renders a figure off-screen into an image's data URL (png: base64; svg: URI-encoded). */
  export function toImage(figure: { data: Data[]; layout: Layout }, options: { format: 'png' | 'svg'; width?: number; height?: number }): Promise<string>;
  export namespace Plots {
    function resize(root: HTMLElement): void;
  }
  const Plotly: {
    react: typeof react;
    newPlot: typeof newPlot;
    purge: typeof purge;
    downloadImage: typeof downloadImage;
    toImage: typeof toImage;
    Plots: { resize(root: HTMLElement): void };
    Icons: Record<string, { width: number; height: number; path: string }>;
  };
  export default Plotly;
}
