/**
 * The page's colours stay apart for colour-blind readers: every pair of class colours, and every
 * pair of the 4-way split's grey levels, differ by at least 15 CIELAB units (ΔE*76) with normal
 * vision and under the deuteranopia and protanopia simulations of Machado, Oliveira & Fernandes
 * (2009, severity 1, on linear RGB). The distances are written to
 * test-results/palette-vision.json as the check's artifact.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ABSTAIN_COLORS, CLASS_COLORS, OUTCOME_RIGHT, OUTCOME_WRONG, RUN_COLORS, SPLIT_COLORS } from '../../src/app/plots/colors';

type Matrix = number[][];
const VISION: Record<string, Matrix> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
};

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function lab(hex: string, m: Matrix): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  const c = [16, 8, 0].map((s) => linear(((v >> s) & 255) / 255));
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0] * c[0] + row[1] * c[1] + row[2] * c[2])));
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

function minDistance(colours: string[], m: Matrix): { deltaE: number; pair: [string, string] } {
  let best = { deltaE: Infinity, pair: ['', ''] as [string, string] };
  for (let i = 0; i < colours.length; i++) {
    for (let j = i + 1; j < colours.length; j++) {
      const a = lab(colours[i], m);
      const b = lab(colours[j], m);
      const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      if (d < best.deltaE) best = { deltaE: d, pair: [colours[i], colours[j]] };
    }
  }
  return best;
}

const SETS: Record<string, string[]> = {
  classes: CLASS_COLORS,
  'split grey levels': Object.values(SPLIT_COLORS),
  'abstain outputs': ABSTAIN_COLORS.slice(0, 3),
  outcomes: [OUTCOME_RIGHT, OUTCOME_WRONG],
  'runs and scores': RUN_COLORS.slice(0, 4),
};

test('class colours and the split levels stay 15 ΔE apart under deuteranopia and protanopia', () => {
  const report: Record<string, Record<string, { deltaE: number; pair: [string, string] }>> = {};
  for (const [vision, m] of Object.entries(VISION)) {
    report[vision] = {};
    for (const [name, colours] of Object.entries(SETS)) report[vision][name] = minDistance(colours, m);
  }
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/palette-vision.json', `${JSON.stringify(report, null, 2)}\n`);
  for (const vision of Object.keys(VISION)) {
    for (const name of Object.keys(SETS)) expect(report[vision][name].deltaE, `${name}, ${vision}: ${report[vision][name].pair.join(' vs ')}`).toBeGreaterThanOrEqual(15);
  }
  // The split never reuses a class hue: its levels are greys.
  for (const c of Object.values(SPLIT_COLORS)) expect(new Set([c.slice(1, 3), c.slice(3, 5), c.slice(5, 7)]).size).toBe(1);
});

test('the check can fail: the old tab10-style palette runs two classes together under protanopia', () => {
  const tab = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
  expect(minDistance(tab, VISION.protanopia).deltaE).toBeLessThan(15);
});
