/** src/core/experiments/config.ts: validation, JSON parsing and the URL encoding of a config. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  EXPERIMENT_DEFAULTS,
  type ExperimentConfig,
  FIELD_RULES,
  attackConfigOf,
  checkField,
  defaultExperiment,
  experimentFromSearch,
  experimentToSearch,
  getPath,
  parseExperiment,
  setPath,
  trainConfigOf,
  validateExperiment,
} from '../../src/core';

const withValue = (path: string, value: unknown) => setPath(defaultExperiment(), path, value);

describe('validateExperiment', () => {
  test('the defaults are valid and match Merkli et al., Appendix A.2 (with 10 epochs instead of 20, for a quick first run)', () => {
    expect(validateExperiment(defaultExperiment())).toEqual({});
    const d = defaultExperiment();
    expect(d.model).toEqual({ depth: 4, width: 64, activation: 'relu' });
    expect(d.training).toMatchObject({ epochs: 10, learningRate: 0.1, batchSize: 10, tradesBeta: 6, attack: { steps: 10 } });
    expect(d.data.kind).toBe('gaussians3');
    expect(d.data.size).toBe(1000);
    expect(d.evaluation.attack).toMatchObject({ kind: 'apgd-ce', steps: 40 });
    // defaultExperiment returns a copy, not the shared constant.
    d.training.attack.eps = 99;
    expect(EXPERIMENT_DEFAULTS.training.attack.eps).toBe(0.1);
  });

  test.each([
    ['data.size', 0],
    ['data.size', -5],
    ['data.size', 12.5],
    ['training.attack.eps', -0.01],
    ['evaluation.attack.eps', -1],
    ['training.attack.steps', 0],
    ['evaluation.attack.steps', 0],
    ['training.learningRate', 0],
    ['training.learningRate', -0.1],
    ['training.learningRate', NaN],
    ['training.learningRate', Infinity],
    ['data.noise', NaN],
    ['training.attack.eps', NaN],
    ['training.epochs', NaN],
    ['training.epochs', 0],
    ['training.momentum', 1],
    ['evaluation.attack.restarts', 0],
    ['seed', -1],
    ['seed', 2 ** 32],
    ['data.kind', 'mnist'],
    ['training.method', 'madry'],
    ['evaluation.attack.randomStart', 'yes'],
    ['evaluation.attack.box', [1, 0]],
    ['training.box', [0]],
    ['data.testFraction', 1],
    ['training.attack.eps', '0.2'],
  ])('flags %s = %s', (path, value) => {
    const errors = validateExperiment(withValue(path, value));
    expect(Object.keys(errors)).toContain(path);
    expect(errors[path]).toMatch(/\S/);
    // Only that field is flagged (batch size is checked against the training set separately).
    expect(Object.keys(errors).filter((k) => k !== 'training.batchSize')).toEqual([path]);
  });

  test('accepts boundary values', () => {
    for (const [path, value] of [
      ['training.attack.eps', 0],
      ['training.learningRate', 1e-6],
      ['data.size', 10],
      ['training.attack.steps', 1],
      ['evaluation.attack.box', [0, 1]],
      ['training.box', null],
      ['seed', 0],
    ] as const) {
      // (batch 8 so that the 8 training points of a 10-point set make one batch)
      const c = setPath(withValue(path, value), 'training.batchSize', 8);
      expect(validateExperiment(c), `${path} = ${value}`).toEqual({});
    }
  });

  test('a batch larger than the training set is flagged', () => {
    let c = withValue('data.size', 20);
    c = setPath(c, 'data.testFraction', 0.5);
    c = setPath(c, 'training.batchSize', 11);
    expect(validateExperiment(c)['training.batchSize']).toMatch(/10/);
    expect(validateExperiment(setPath(c, 'training.batchSize', 10))).toEqual({});
  });

  test('non-objects and wrong versions are flagged', () => {
    expect(Object.keys(validateExperiment(null))).toEqual(['']);
    expect(Object.keys(validateExperiment('config'))).toEqual(['']);
    expect(validateExperiment({ ...defaultExperiment(), version: 2 })).toHaveProperty('version');
  });

  test('checkField messages', () => {
    expect(checkField('training.learningRate', 0)).toMatch(/> 0/);
    expect(checkField('training.epochs', 2.5)).toMatch(/whole/);
    expect(checkField('data.noise', NaN)).toMatch(/number/);
    expect(checkField('data.noise', Infinity)).toMatch(/finite/);
    expect(checkField('no.such.field', 1)).toBeNull();
  });
});

describe('parseExperiment', () => {
  test('malformed JSON is rejected with a message', () => {
    expect(() => parseExperiment('{"seed": 1,')).toThrow(/Not valid JSON/);
    expect(() => parseExperiment('')).toThrow(/Not valid JSON/);
    expect(() => parseExperiment('[1, 2]')).toThrow(/JSON object/);
    expect(() => parseExperiment('42')).toThrow(/JSON object/);
    expect(() => parseExperiment('null')).toThrow(/JSON object/);
  });

  test('unknown fields are rejected by name, at any depth', () => {
    expect(() => parseExperiment('{"colour": "red"}')).toThrow(/colour is not a known field/);
    expect(() => parseExperiment('{"training": {"attack": {"epsilon": 0.1}}}')).toThrow(/training\.attack\.epsilon is not a known field/);
    expect(() => parseExperiment('{"data": {"kind": "moons", "sigma": 1}}')).toThrow(/data\.sigma/);
  });

  test('invalid values are rejected with the field and the rule', () => {
    expect(() => parseExperiment('{"training": {"learningRate": 0}}')).toThrow(/training\.learningRate must be > 0/);
    expect(() => parseExperiment('{"data": {"size": -1}}')).toThrow(/data\.size must be between/);
    expect(() => parseExperiment('{"evaluation": {"attack": {"eps": -0.5}}}')).toThrow(/evaluation\.attack\.eps/);
    expect(() => parseExperiment('{"version": 3}')).toThrow(/version/);
  });

  test('missing fields take their defaults; given ones are kept', () => {
    expect(parseExperiment('{}')).toEqual(defaultExperiment());
    const c = parseExperiment('{"seed": 9, "training": {"epochs": 3, "attack": {"norm": "l2"}}, "evaluation": {"attack": {"box": [0, 1]}}}');
    expect(c.seed).toBe(9);
    expect(c.training.epochs).toBe(3);
    expect(c.training.attack).toEqual({ ...EXPERIMENT_DEFAULTS.training.attack, norm: 'l2' });
    expect(c.training.learningRate).toBe(EXPERIMENT_DEFAULTS.training.learningRate);
    expect(c.evaluation.attack.box).toEqual([0, 1]);
    expect(c.data).toEqual(EXPERIMENT_DEFAULTS.data);
  });

  test('JSON.stringify → parseExperiment round-trips a config', () => {
    const c = defaultExperiment();
    c.data.kind = 'spirals';
    c.training.method = 'era';
    c.training.box = [-3, 3];
    expect(parseExperiment(JSON.stringify(c))).toEqual(c);
  });
});

describe('the config schema (zod): one line per wrong field, with its path, the rule and the value given', () => {
  test('a wrong container is one message, not one per field below it', () => {
    expect(() => parseExperiment('{"training": 5}')).toThrow(/^Invalid config: training must be an object \(got 5\)$/);
    expect(() => parseExperiment('{"evaluation": {"attack": []}}')).toThrow(/^Invalid config: evaluation\.attack must be an object \(got \[\]\)$/);
    expect(Object.keys(validateExperiment({ ...defaultExperiment(), data: null }))).toEqual(['data']);
  });

  test('each field message names the path, what is allowed and the value', () => {
    expect(() => parseExperiment('{"training": {"epochs": "5"}}')).toThrow(/^Invalid config: training\.epochs must be a number \(got "5"\)$/);
    expect(() => parseExperiment('{"training": {"epochs": 5000, "optimizer": "rmsprop"}}')).toThrow(
      /^Invalid config: training\.epochs must be between 1 and 1000 \(got 5000\); training\.optimizer must be one of sgd, adam \(got "rmsprop"\)$/,
    );
    expect(checkField('evaluation.attack.box', [1, 0])).toBe('must be null or [low, high] with low < high (got [1,0])');
    expect(checkField('training.attack.eps', null)).toBe('must be a number (got null)');
  });

  test('every rule refuses a value of the wrong type with exactly one message at its own path (property)', () => {
    const wrong = fc.oneof(fc.string(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(Number.NaN), fc.dictionary(fc.string(), fc.integer()));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(FIELD_RULES)), wrong, (path, value) => {
        const rule = FIELD_RULES[path];
        // A box accepts null and [lo, hi] with lo < hi; an enum accepts its own strings.
        if (rule.type === 'box' && (value === null || (Array.isArray(value) && value.length === 2 && value[0] < value[1]))) return;
        if (rule.type === 'enum' && typeof value === 'string' && rule.values.includes(value)) return;
        const errors = validateExperiment(withValue(path, value));
        expect(Object.keys(errors)).toEqual([path]);
        expect(errors[path]).toMatch(/^must be .* \(got .*\)$/s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('URL search params', () => {
  test('the defaults round-trip', () => {
    const { config, errors } = experimentFromSearch(experimentToSearch(defaultExperiment()));
    expect(errors).toEqual({});
    expect(config).toEqual(defaultExperiment());
  });

  test('a modified config round-trips', () => {
    const c: ExperimentConfig = defaultExperiment();
    c.seed = 123456;
    c.data = { kind: 'moons', size: 333, noise: 0.125, testFraction: 0.3, seed: 8 };
    c.model = { depth: 2, width: 32, activation: 'tanh' };
    c.training = { ...c.training, method: 'era', epochs: 7, batchSize: 16, optimizer: 'adam', learningRate: 0.003, momentum: 0.9, box: [-2.5, 2.5], tradesBeta: 3, eraBeta: 0.5 };
    c.training.attack = { norm: 'l2', eps: 0.35, steps: 5, stepSize: 0.1 };
    c.evaluation = { attack: { kind: 'pgd', norm: 'l2', eps: 0.4, steps: 20, stepSize: 0.05, restarts: 3, randomStart: false, box: [0, 1] }, gridResolution: 64 };
    expect(validateExperiment(c)).toEqual({});
    const search = experimentToSearch(c);
    expect(search).toContain('training.method=era');
    const { config, errors } = experimentFromSearch(search);
    expect(errors).toEqual({});
    expect(config).toEqual(c);
  });

  test('absent keys keep defaults; bad values are reported and keep defaults', () => {
    const { config, errors } = experimentFromSearch('?data.kind=circles&training.epochs=abc&training.learningRate=&data.size=-4&evaluation.attack.randomStart=maybe');
    expect(config.data.kind).toBe('circles');
    expect(config.training.epochs).toBe(EXPERIMENT_DEFAULTS.training.epochs);
    expect(config.training.learningRate).toBe(EXPERIMENT_DEFAULTS.training.learningRate);
    expect(config.data.size).toBe(EXPERIMENT_DEFAULTS.data.size);
    expect(Object.keys(errors).sort()).toEqual(['data.size', 'evaluation.attack.randomStart', 'training.epochs', 'training.learningRate']);
  });

  test('any valid field values round-trip (property)', () => {
    const fieldArb = (path: string): fc.Arbitrary<unknown> => {
      const rule = FIELD_RULES[path];
      const noNegZero = (v: number) => (Object.is(v, -0) ? 0 : v);
      switch (rule.type) {
        case 'int':
          return fc.integer({ min: rule.min, max: rule.max });
        case 'num':
          return fc
            .double({ min: rule.min, max: rule.max, noNaN: true, noDefaultInfinity: true })
            .map(noNegZero)
            .filter((v) => !(rule.minExclusive && v === rule.min) && !(rule.maxExclusive && v === rule.max));
        case 'enum':
          return fc.constantFrom(...rule.values);
        case 'bool':
          return fc.boolean();
        case 'box':
          return fc.oneof(
            fc.constant(null),
            fc
              .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }))
              .filter(([a, b]) => a < b)
              .map(([a, b]) => [noNegZero(a), noNegZero(b)]),
          );
        case 'text':
          return fc.string({ minLength: 1 }).filter((t) => t.trim() !== '');
      }
    };
    const paths = Object.keys(FIELD_RULES);
    const configArb = fc.tuple(...paths.map(fieldArb)).map((values) => values.reduce<ExperimentConfig>((c, v, i) => setPath(c, paths[i], v), defaultExperiment()));
    fc.assert(
      fc.property(configArb, (c) => {
        const { config, errors } = experimentFromSearch(experimentToSearch(c));
        expect(errors).toEqual({});
        expect(config).toEqual(c);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe('helpers', () => {
  test('getPath / setPath do not mutate', () => {
    const c = defaultExperiment();
    const d = setPath(c, 'training.attack.eps', 0.5);
    expect(getPath(d, 'training.attack.eps')).toBe(0.5);
    expect(c.training.attack.eps).toBe(0.1);
    expect(getPath(c, 'no.such.path')).toBeUndefined();
  });

  test('trainConfigOf and attackConfigOf carry the run seed', () => {
    const c = defaultExperiment();
    c.seed = 5;
    expect(trainConfigOf(c)).toEqual({ ...c.training, seed: 5 });
    const a = attackConfigOf(c);
    expect(a).toMatchObject(c.evaluation.attack);
    expect(Number.isInteger(a.seed)).toBe(true);
    expect(attackConfigOf(c, 1).seed).not.toBe(a.seed);
    c.seed = 6;
    expect(attackConfigOf(c).seed).not.toBe(a.seed);
  });
});
