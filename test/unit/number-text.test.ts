/**
 * The text a settings field shows for a value set from outside (app/ui/SettingField.tsx):

 * fractions people type (8/255, 1/3) as such, short decimals as they are, and every text reads back as the
 * same number.
 */
import { describe, expect, test } from 'vitest';
import { numberText, parseNumber } from '../../src/app/ui/SettingField';

describe('numberText', () => {
  test.each([
    [8 / 255, '8/255'],
    [2 / 255, '2/255'],
    [128 / 255, '128/255'],
    [0.2, '0.2'], // = 51/255, but its decimal form is short
    [0.1, '0.1'],
    [0.25, '0.25'],
    [1, '1'],
    [0, '0'],
    [1e-7, '1e-7'],
    [1 / 3, '1/3'],
    [Math.PI / 10, '0.3141592653589793'],
    [-8 / 255, '-0.03137254901960784'], // a typed fraction has no sign
    [NaN, ''],
  ])('%s → %s, and back', (v, text) => {
    expect(numberText(v)).toBe(text);
    if (!Number.isNaN(v)) expect(parseNumber(numberText(v))).toBe(v);
  });
});
