declare module 'plotly.js-cartesian-dist-min' {
  // The minified bundle ships without types; the wrapper in Plot.tsx uses this much of it.
  export type Data = Record<string, unknown>;
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;
  export function react(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<unknown>;
  export function purge(root: HTMLElement): void;
  export namespace Plots {
    function resize(root: HTMLElement): void;
  }
  const Plotly: {
    react: typeof react;
    purge: typeof purge;
    Plots: { resize(root: HTMLElement): void };
  };
  export default Plotly;
}
