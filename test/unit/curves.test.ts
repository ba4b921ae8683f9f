/** Training curves: ranges that grow in steps (so plotly re-lays out the frame rarely) and series as line + markers. */
import { describe, expect, test } from 'vitest';
import type { EpochStats } from '../../src/core/settings';
import { accuracyTraces, epochAxisTop, lossAxisTop, lossTraces, niceCeil } from '../../src/app/plots/curves';
import { toCanvasLayers } from '../../src/app/plots/canvasPoints';
import { legendEntries } from '../../src/app/plots/PlotLegend';

const epoch = (e: number, loss: number, acc: number | null = 0.5): EpochStats =>
  ({ epoch: e, objective: loss, trainLoss: loss * 0.9, testLoss: loss * 0.95, trainAccuracy: 0.6, testAccuracy: acc }) as unknown as EpochStats;

describe('curve axes', () => {
  test('niceCeil rounds up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k', () => {
    expect([0.69, 1, 1.01, 2.31, 7, 8.5, 0.0042, 120].map(niceCeil)).toEqual([0.8, 1, 1.2, 2.5, 8, 10, 0.005, 120]);
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(Number.NaN)).toBe(1);
  });

  test('the epoch axis steps 5, 10, 20, 50, 100, 200, … and changes 3 times over 20 epochs', () => {
    const tops = Array.from({ length: 20 }, (_, i) => epochAxisTop(Array.from({ length: i + 1 }, (_, j) => epoch(j + 1, 1))));
    expect(new Set(tops)).toEqual(new Set([5, 10, 20]));
    expect(epochAxisTop([])).toBe(5);
    expect(epochAxisTop([epoch(21, 1)])).toBe(50);
    expect(epochAxisTop([epoch(51, 1)])).toBe(100);
    expect(epochAxisTop([epoch(101, 1)])).toBe(200);
    expect(epochAxisTop([epoch(1000, 1)])).toBe(1000);
  });

  test('the loss axis covers every loss with 5% room and stays put while losses fall', () => {
    const falling = [epoch(1, 0.69), epoch(2, 0.4), epoch(3, 0.2)];
    expect(lossAxisTop(falling)).toBe(0.8);
    expect(lossAxisTop(falling.slice(0, 1))).toBe(lossAxisTop(falling));
    expect(lossAxisTop([epoch(1, Number.NaN), epoch(2, 2)])).toBe(2.5);
    expect(lossAxisTop([])).toBe(1);
  });
});

describe('curve series', () => {
  test('each series is a legend line and its hover markers, both drawn on the canvas and hidden together', () => {
    const history = [epoch(1, 0.7, null), epoch(2, 0.5)];
    const traces = accuracyTraces(history);
    const { plotTraces, layers, lines } = toCanvasLayers(traces);
    expect(plotTraces).toEqual([]);
    expect(lines.map((l) => l.key)).toEqual(['train accuracy', 'test accuracy']);
    expect(layers.map((l) => l.key)).toEqual(['train accuracy', 'test accuracy']);
    expect(Array.from(layers[1].y)).toEqual([null, 50]);
    expect(Array.from(layers[1].text!)).toEqual(['', 'epoch 2: 50.0%']);
    expect(legendEntries(traces, {}).map((e) => [e.name, e.mode])).toEqual([
      ['train accuracy', 'line'],
      ['test accuracy', 'line'],
    ]);
    expect(legendEntries(lossTraces(history), {}).map((e) => e.dash)).toEqual(['dot', 'solid', 'solid']);
  });
});
