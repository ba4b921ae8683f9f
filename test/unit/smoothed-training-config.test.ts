/**
 * The settings of the smoothed-classifier training methods (Gaussian augmentation, CAT-RS, CRA) in
 * the 2-D and image experiment configs: defaults filled into configs written before they existed,
 * range checks with a message, the URL round trip, and the CLI reading them from its config JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cliRun';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CAT_RS_DEFAULTS,
  CRA_DEFAULTS,
  defaultExperiment,
  experimentFromSearch,
  experimentToSearch,
  normaliseExperiment,
  normaliseImageExperiment,
  setPath,
} from '../../src/core/settings';

const dir = mkdtempSync(join(tmpdir(), 'smoothed-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configs', () => {
  test('a config written before the smoothing methods loads with their defaults', () => {
    const old = { version: 1, seed: 2, training: { method: 'era', epochs: 3, tradesBeta: 6, eraBeta: 0.25 } };
    const c = normaliseExperiment(old);
    expect(c.training.sigma).toBe(0.1);
    expect(c.training.catRs).toEqual(CAT_RS_DEFAULTS);
    expect(c.training.cra).toEqual(CRA_DEFAULTS);
    const img = normaliseImageExperiment({ version: 1, kind: 'image', training: { method: 'standard' } });
    expect(img.training.sigma).toBe(0.25);
    expect(img.training.catRs).toEqual(CAT_RS_DEFAULTS);
    // The defaults are the documented ones.
    expect(CAT_RS_DEFAULTS).toEqual({ m: 4, p0: 0.2, lambda: 1, eps: 1, steps: 4, variant: 'paper' });
    expect(CRA_DEFAULTS).toEqual({ k: 16, gamma: 4, beta: 1 });
  });

  test('a partial catRs / cra object keeps the other defaults; unknown keys inside are refused', () => {
    const c = normaliseExperiment({ version: 1, training: { method: 'cat-rs', sigma: 0.5, catRs: { lambda: 2, variant: 'released' }, cra: { k: 8 } } });
    expect(c.training.catRs).toEqual({ ...CAT_RS_DEFAULTS, lambda: 2, variant: 'released' });
    expect(c.training.cra).toEqual({ ...CRA_DEFAULTS, k: 8 });
    expect(() => normaliseExperiment({ version: 1, training: { catRs: { M: 4 } } })).toThrow(/training\.catRs\.M is not a known field/);
  });

  test.each([
    ['training.sigma', 0, /training\.sigma must be > 0/],
    ['training.catRs.m', 0, /training\.catRs\.m must be between 1 and 64/],
    ['training.catRs.p0', 0, /training\.catRs\.p0 must be > 0 and ≤ 1/],
    ['training.catRs.p0', 1.5, /training\.catRs\.p0 must be > 0 and ≤ 1/],
    ['training.catRs.lambda', -1, /training\.catRs\.lambda must be ≥ 0/],
    ['training.catRs.steps', 2.5, /training\.catRs\.steps must be a whole number/],
    ['training.catRs.variant', 'torch', /training\.catRs\.variant must be one of paper, released/],
    ['training.cra.k', 0, /training\.cra\.k must be between 1 and 256/],
    ['training.cra.gamma', 0, /training\.cra\.gamma must be > 0/],
    ['training.cra.beta', -0.5, /training\.cra\.beta must be ≥ 0/],
  ])('%s = %s is refused with a message (2-D and image configs)', (path, value, message) => {
    expect(() => normaliseExperiment(setPath(defaultExperiment(), path, value))).toThrow(message);
    expect(() => normaliseImageExperiment(setPath({ version: 1, kind: 'image' }, path, value))).toThrow(message);
  });

  test('the URL keeps the new fields', () => {
    let c = setPath(defaultExperiment(), 'training.method', 'cat-rs');
    c = setPath(c, 'training.catRs.variant', 'released');
    c = setPath(c, 'training.cra.gamma', 8);
    c = setPath(c, 'training.sigma', 0.5);
    const back = experimentFromSearch(experimentToSearch(c));
    expect(back.errors).toEqual({});
    expect(back.config).toEqual(c);
  });
});

describe('the CLI reads them from its config JSON', () => {
  const write = (name: string, config: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  };
  const tiny = (training: Record<string, unknown>) => ({
    version: 1,
    seed: 3,
    data: { kind: 'gaussians3', size: 40, testFraction: 0.25 },
    model: { depth: 1, width: 8 },
    training: { epochs: 1, batchSize: 10, ...training },
    evaluation: { attack: { kind: 'fgsm' }, gridResolution: 10 },
  });

  test('train with CAT-RS (released variant) runs and reports the settings it used', () => {
    const r = cli('train', write('catrs.json', tiny({ method: 'cat-rs', sigma: 0.2, catRs: { variant: 'released', m: 2, steps: 2 } })));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config.training.method).toBe('cat-rs');
    expect(out.config.training.catRs).toEqual({ ...CAT_RS_DEFAULTS, variant: 'released', m: 2, steps: 2 });
    expect(out.training.status).toBe('completed');
  });

  test('a bad value is refused with exit status 2 and names the field', () => {
    const r = cli('train', write('bad.json', tiny({ method: 'cra', cra: { gamma: -1 } })));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/training\.cra\.gamma must be > 0/);
  });
});
