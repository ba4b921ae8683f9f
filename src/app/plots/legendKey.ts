/**
 * What a legend click hides: a trace's legend group, else its name without a trailing count
 * ("robust & accurate (197)" → "robust & accurate"), so a hidden entry stays hidden when a new
 * result changes its count. Shared by the HTML legend and the canvas layers it hides.
 */
export function legendKey(t: { legendgroup?: unknown; name?: unknown }): string | null {
  if (typeof t.legendgroup === 'string' && t.legendgroup) return t.legendgroup;
  return typeof t.name === 'string' && t.name ? t.name.replace(/ \([\d,]+\)$/, '') : null;
}
