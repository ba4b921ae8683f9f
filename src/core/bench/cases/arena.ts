/**
 * The abstain arena at its defaults (experiments/arenaConfig.ts): ten families trained on 600
 * three-Gaussian points for 10 epochs each, every one attacked by PGD-20, APGD-CE-20 and its own
 * adaptive attack, the smoothed ones certified (CERTIFY, n = 10,000 per input), the others
 * verified with IBP and CROWN, and each family's 60 × 60 grid of decisions. Target: the whole
 * arena within 3 minutes on WASM. BenchOptions.scale shrinks the points, epochs and grid (for
 * quick tests).
 */
import { defaultArenaConfig } from '../../experiments/arenaConfig';
import { runArena } from '../../experiments/arena';
import { type BenchCase, scaled, timed } from '../case';

export const ARENA_CASES: readonly BenchCase[] = [
  {
    id: 'arena-2d',
    family: 'arena',
    label: 'Abstain arena, defaults',
    description: 'The abstain arena at its defaults: ten families on 600 three-Gaussian points, 10 epochs each, attacked, certified or verified, with their decision grids (target: within 3 minutes on WASM).',
    workUnits: 10,
    unit: 'families',
    prepare(scale) {
      const config = defaultArenaConfig();
      config.data.size = Math.max(50, scaled(config.data.size, scale));
      config.budget.epochs = scaled(config.budget.epochs, scale);
      config.gridResolution = Math.max(10, scaled(config.gridResolution, scale));
      if (scale < 1) config.smoothing = { ...config.smoothing, predictSamples: Math.max(100, scaled(config.smoothing.predictSamples, scale)), certifyN: Math.max(100, scaled(config.smoothing.certifyN, scale)) };
      return { run: timed((signal) => runArena(config, { signal })), dispose() {} };
    },
  },
];
