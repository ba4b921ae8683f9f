/** The bits of a drawn plotly axis that a canvas over the plot needs: its pixel offset and linear-to-pixel map. */
export interface AxisPx {
  _offset: number;
  _length: number;
  l2p(v: number): number;
  p2l(px: number): number;
}
