/**
 * Dense overlays (eps-boxes, radius circles, attack arrows) drawn for an evenly spread sample, so
 * that 120 overlapping shapes do not hide the plot; captions say "showing 30 of 120".
 */
export const OVERLAY_LIMIT = 30;

/** Indices of `items` to draw: all when there are at most `limit`, else `limit` evenly spaced ones. */
export function thinIndices(count: number, limit = OVERLAY_LIMIT): number[] {
  if (count <= limit) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.floor((i * count) / limit));
}

/** "showing 30 of 120" when thinned, else "" — for captions and legend names. */
export function showingOf(shown: number, total: number): string {
  return shown < total ? `showing ${shown} of ${total}` : '';
}
