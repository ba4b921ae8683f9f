/** The standard-vs-verified-error plot: series as hover markers plus a hover-less line, on axes that grow in round steps. */
import { expect, test } from 'vitest';
import type { VerifyRow } from '../../src/app/features/verification/verification';
import { errorAxisTop, tradeoffLayout, tradeoffTraces } from '../../src/app/features/verification/verifiedTradeoff';
import { toCanvasLayers } from '../../src/app/plots/canvasPoints';
import { legendEntries } from '../../src/app/plots/PlotLegend';

const row = (series: string, std: number, ibp: number, crown?: number) =>
  ({
    series, modelName: `${series} model`, note: '', eps: 0.2,
    verify: { results: [{ bound: 'ibp', standardError: std, verifiedError: ibp }, ...(crown === undefined ? [] : [{ bound: 'crown', standardError: std, verifiedError: crown }])] },
  }) as unknown as VerifyRow;

test('a sweep is a line without hover under its markers; a single model is markers; the legend names each series once', () => {
  const traces = tradeoffTraces([row('sweep', 0.1, 0.3), row('sweep', 0.05, 0.4), row('one', 0.02, 0.12, 0.1)]);
  const { plotTraces, layers, lines } = toCanvasLayers(traces);
  expect(plotTraces).toEqual([]);
  expect(lines.map((l) => [l.name, Array.from(l.x)])).toEqual([['sweep · IBP curve', [0.05, 0.1]]]);
  expect(layers.map((l) => [l.name, l.symbol, Array.from(l.y)])).toEqual([
    ['sweep', 'circle', [0.4, 0.3]],
    ['one', 'circle', [0.12]],
    ['one · CROWN', 'diamond-open', [0.1]],
  ]);
  expect(lines[0].key).toBe(layers[0].key); // hidden together
  expect(legendEntries(traces, tradeoffLayout(1, 1)).map((e) => e.name)).toEqual(['sweep', 'one']);
});

test('each axis reaches a round number past the largest error (with 10% room), at most 1', () => {
  const traces = tradeoffTraces([row('a', 0.025, 0.133), row('b', 0.05, 0.125)]);
  expect(errorAxisTop(traces, 'x')).toBe(0.06);
  expect(errorAxisTop(traces, 'y')).toBe(0.15);
  expect(errorAxisTop(tradeoffTraces([row('c', 0.95, 1)]), 'y')).toBe(1);
  expect(errorAxisTop([], 'x')).toBe(0.01);
  const range = (tradeoffLayout(0.06, 0.15).yaxis as { range: number[] }).range;
  expect(range[0]).toBe(0);
  expect(range[1]).toBeCloseTo(0.156, 9);
});
