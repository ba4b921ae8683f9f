/**
 * The CLI's float32 arrays in JSON (src/cli/floatJson.ts): every float32 comes back bit for bit,
 * NaN, Infinity and -Infinity apart, through JSON.stringify and JSON.parse.
 */
import { expect, test } from 'vitest';
import { floatsFromJson, floatsToJson } from '../../src/cli/floatJson';

test('finite values in their shortest exact decimal and the non-finite ones by name come back bit for bit', () => {
  const values = Float32Array.from([0, -0, 1, 0.1, -3.4028234663852886e38, 1.401298464324817e-45, 1.1754942106924411e-38, NaN, Infinity, -Infinity, Math.PI]);
  const json = JSON.stringify(floatsToJson(values));
  expect(json).toBe('[0,0,1,0.1,-3.4028235e+38,1e-45,1.1754942e-38,"NaN","Infinity","-Infinity",3.1415927]');
  const back = floatsFromJson(JSON.parse(json), 'x');
  // -0 is written as 0 (JSON has one zero); everything else keeps its bits.
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer));
  expect(bits(back)).toEqual(bits(Float32Array.from(values, (v) => (Object.is(v, -0) ? 0 : v))));
});

test('a null (what earlier versions wrote for every non-finite value) reads as NaN; anything else not a number is refused by name and place', () => {
  expect(Array.from(floatsFromJson([1, null], 'scores.rcon'))).toEqual([1, NaN]);
  expect(() => floatsFromJson([1, 'inf'], 'scores.rcon')).toThrow('scores.rcon[1] is "inf", not a number, "NaN", "Infinity" or "-Infinity"');
  expect(() => floatsFromJson([true], 'aux')).toThrow('aux[0] is true, not a number');
  expect(() => floatsFromJson({ 0: 1 }, 'logits')).toThrow('logits is not an array');
});
