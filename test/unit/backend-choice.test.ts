/** The page's choice of backend among measured candidates (src/app/state/backendChoice.ts, src/core/bench/calibration.ts). */
import { describe, expect, test } from 'vitest';
import { calibrationScore, fasterTimes } from '../../src/core/bench/calibration';
import { type BackendFigure, candidateLabel, fastest } from '../../src/app/state/backendChoice';

const figure = (backend: string, threads: number, mlp: number, cnn: number): BackendFigure => ({ backend, threads, mlpPgdStepMs: mlp, cnnForwardMs: cnn, score: calibrationScore({ mlpPgdStepMs: mlp, cnnForwardMs: cnn }) });

describe('choosing a backend by measurement', () => {
  test('the score is the time of both jobs; two measurements keep the faster time of each job', () => {
    expect(calibrationScore({ mlpPgdStepMs: 13.5, cnnForwardMs: 8.25 })).toBe(21.75);
    expect(fasterTimes({ mlpPgdStepMs: 10, cnnForwardMs: 9 }, { mlpPgdStepMs: 12, cnnForwardMs: 4 })).toEqual({ mlpPgdStepMs: 10, cnnForwardMs: 4 });
  });

  test('the fastest candidate wins whatever its order; one that failed never does; a forced backend takes its fastest thread count', () => {
    // Threads slow the small MLP step and speed up the CNN: the total decides.
    const figures = [figure('wasm', 1, 13, 8), figure('wasm', 3, 22, 3), { backend: 'webgpu', threads: 1, score: null, error: 'no adapter' }, figure('webgl', 1, 40, 2)];
    expect(candidateLabel(fastest(figures)!)).toBe('wasm · 1 thread');
    expect(candidateLabel(fastest([...figures].reverse())!)).toBe('wasm · 1 thread');
    const faster3 = [figure('wasm', 1, 13, 8), figure('wasm', 3, 9, 3)];
    expect(candidateLabel(fastest(faster3)!)).toBe('wasm · 3 threads');
    expect(fastest(faster3, 'wasm')?.threads).toBe(3);
    expect(fastest(figures, 'webgl')?.backend).toBe('webgl');
    expect(fastest(figures, 'webgpu')).toBeNull();
    expect(fastest([{ backend: 'wasm', threads: 1, score: null, error: 'x' }])).toBeNull();
  });
});
