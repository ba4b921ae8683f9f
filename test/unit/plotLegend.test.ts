/** The HTML legend's entries and hiding, as plotly's own legend would list and hide traces. */
import { describe, expect, test } from 'vitest';
import { legendEntries, withHidden } from '../../src/app/plots/PlotLegend';
import { svgMarker } from '../../src/app/plots/canvasPoints';

const traces = [
  { type: 'scatter', mode: 'markers', name: 'test · class 0', legendgroup: 'test', marker: { color: '#0072b2', symbol: 'diamond' } },
  { type: 'scatter', mode: 'markers', name: 'test · class 1', legendgroup: 'test', marker: { color: '#e69f00', symbol: 'diamond' } },
  { type: 'scatter', mode: 'lines', name: 'R-Con = 1/2', line: { color: '#000', dash: 'dash' } },
  { type: 'scatter', mode: 'lines', name: 'helper', showlegend: false },
  { type: 'heatmap', name: 'image' },
  { type: 'bar', name: 'abstain a1', marker: { color: '#3d3d3d' } },
];

describe('legendEntries', () => {
  test('named scatter and bar traces, in order; showlegend: false and heatmaps left out', () => {
    const e = legendEntries(traces, {});
    expect(e.map((x) => x.name)).toEqual(['test · class 0', 'test · class 1', 'R-Con = 1/2', 'abstain a1']);
    expect(e.map((x) => x.key)).toEqual(['test', 'test', 'R-Con = 1/2', 'abstain a1']);
    expect(e.map((x) => x.mode)).toEqual(['marker', 'marker', 'line', 'box']);
    expect(e[2].dash).toBe('dash');
    expect(e[1].color).toBe('#e69f00');
  });

  test('one entry shows no legend unless asked; showlegend: false hides it', () => {
    expect(legendEntries([traces[2]], {})).toEqual([]);
    expect(legendEntries([traces[2]], { showlegend: true })).toHaveLength(1);
    expect(legendEntries(traces, { showlegend: false })).toEqual([]);
  });
});

describe('withHidden', () => {
  test('a hidden group hides all its traces and nothing else; the data is otherwise untouched', () => {
    const out = withHidden(traces, new Set(['test']));
    expect(out.map((t) => t.visible)).toEqual(['legendonly', 'legendonly', undefined, undefined, undefined, undefined]);
    expect(out[0].marker).toBe(traces[0].marker);
    expect(withHidden(traces, new Set())).toBe(traces);
  });

  test('an entry hidden with one count stays hidden when a new result changes the count', () => {
    const before = [{ type: 'scatter', mode: 'markers', name: 'robust & accurate (197)' }, { type: 'scatter', mode: 'markers', name: 'robust & inaccurate (3)' }];
    const key = legendEntries(before, {})[0].key;
    expect(key).toBe('robust & accurate');
    const after = [{ type: 'scatter', mode: 'markers', name: 'robust & accurate (1,204)' }, { type: 'scatter', mode: 'markers', name: 'robust & inaccurate (9)' }];
    expect(withHidden(after, new Set([key])).map((t) => t.visible)).toEqual(['legendonly', undefined]);
  });
});

describe('svgMarker', () => {
  test('symbols as SVG paths: filled shapes, stroked crosses, open variants as outlines', () => {
    expect(svgMarker('square', 10, 10, 5)).toEqual({ d: 'M5.5 5.5h9v9h-9Z', filled: true });
    expect(svgMarker('circle', 0, 0, 2).d).toBe('M2 0A2 2 0 1 0 -2 0A2 2 0 1 0 2 0Z');
    expect(svgMarker('x', 0, 0, 1)).toEqual({ d: 'M-1 -1L1 1M1 -1L-1 1', filled: false });
    expect(svgMarker('diamond-open', 0, 0, 1).filled).toBe(false);
    expect(svgMarker('diamond-open', 0, 0, 1).d).toBe(svgMarker('diamond', 0, 0, 1).d);
  });
});
