/**
 * Certification logs in the tab-separated format of Cohen et al.'s reference code
 * (locuslab/smoothing, code/certify.py and code/predict.py), so that a log certified elsewhere
 * (e.g. PyTorch on a cluster) plots next to runs made here, and ours can be read by their
 * analysis scripts:
 *
 *   certify:  idx<TAB>label<TAB>predict<TAB>radius<TAB>correct<TAB>time
 *   predict:  idx<TAB>label<TAB>predict<TAB>correct<TAB>time
 *
 * predict is −1 for abstain; radius is written as Python's '{:.3}' (3 significant digits);
 * correct is 0/1; time is Python's str(datetime.timedelta), e.g. 0:00:01.234567.
 */

export interface CertificationRow {
  idx: number;
  label: number;
  /** Predicted class, −1 for abstain. */
  predict: number;
  /** Certified radius (0 when abstaining); null in a PREDICT log. */
  radius: number | null;
  correct: 0 | 1;
  /** Seconds spent on this input. */
  time: number;
  /** Extra fields of runs made here (not in the text log). */
  counts?: number[];
  topClass?: number;
  pLower?: number;
  pValue?: number;
  /** Noisy draws whose forward pass met NaN or ±Infinity: they voted for no class. */
  votesLost?: number;
  /** Paper 003: samples whose top class was not rejected / rejected (certifyWithRejection). */
  countTop?: number;
  countRejected?: number;
}

export const CERTIFY_HEADER = ['idx', 'label', 'predict', 'radius', 'correct', 'time'];
export const PREDICT_HEADER = ['idx', 'label', 'predict', 'correct', 'time'];

/**
 * Python's format(x, '.3') for a float: 3 significant digits, trailing zeros dropped, '.0' kept
 * on whole numbers; CPython switches to exponent notation from 100 on (where the '.0' would need
 * a fourth digit) and below 1e-4.
 */
export function formatPython3(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(3)))));
  if (exp < -4 || exp >= 2) {
    const [m, e] = x.toExponential(2).split('e');
    const mantissa = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = parseInt(e, 10);
    return `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 2 - exp));
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '') : fixed;
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed.includes('.') ? trimmed : `${trimmed}.0`;
}

/** Python's str(datetime.timedelta(seconds=s)) for s ≥ 0. */
export function formatTimedelta(seconds: number): string {
  const micro = Math.round(Math.max(0, seconds) * 1e6);
  const days = Math.floor(micro / 86_400e6);
  let rest = micro - days * 86_400e6;
  const h = Math.floor(rest / 3600e6);
  rest -= h * 3600e6;
  const m = Math.floor(rest / 60e6);
  rest -= m * 60e6;
  const s = Math.floor(rest / 1e6);
  const us = rest - s * 1e6;
  const clock = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${us ? `.${String(us).padStart(6, '0')}` : ''}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

/** Seconds of a str(timedelta), or of a plain number of seconds. */
export function parseTimedelta(text: string): number {
  const t = text.trim();
  if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(-?\d+) days?, )?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** The log text of a run, with the header of its kind (certify when any row has a radius). */
export function formatCertificationLog(rows: CertificationRow[], kind: 'certify' | 'predict' = rows.some((r) => r.radius != null) ? 'certify' : 'predict'): string {
  const header = kind === 'certify' ? CERTIFY_HEADER : PREDICT_HEADER;
  const lines = rows.map((r) => {
    const head = [r.idx, r.label, r.predict].map(String);
    const tail = [String(r.correct), formatTimedelta(r.time)];
    return (kind === 'certify' ? [...head, formatPython3(r.radius ?? 0), ...tail] : [...head, ...tail]).join('\t');
  });
  return `${header.join('\t')}\n${lines.map((l) => `${l}\n`).join('')}`;
}

export interface ParsedLog {
  kind: 'certify' | 'predict';
  rows: CertificationRow[];
}

/** Parses a log; throws an Error naming the line and the problem when it is malformed. */
export function parseCertificationLog(text: string, source?: string): ParsedLog {
  // Line numbers are those of the file as written: blank lines are skipped, never renumbered.
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const at = (line: number) => `${source ? `${source}, line` : 'Line'} ${line}`;
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new Error(`${source ? `${source}: the` : 'The'} log is empty: expected the header "idx label predict radius correct time".`);
  const header = lines[first].trim().split(/\t|\s+/);
  const kind = header.join(' ') === CERTIFY_HEADER.join(' ') ? 'certify' : header.join(' ') === PREDICT_HEADER.join(' ') ? 'predict' : null;
  if (!kind) throw new Error(`${at(first + 1)}: expected the header "${CERTIFY_HEADER.join(' ')}" (or "${PREDICT_HEADER.join(' ')}"), got "${lines[first].slice(0, 80)}".`);
  const rows: CertificationRow[] = [];
  const seen = new Map<number, number>();
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split('\t');
    const where = at(i + 1);
    if (cells.length !== header.length) throw new Error(`${where}: expected ${header.length} tab-separated fields, got ${cells.length}.`);
    const get = (name: string) => cells[header.indexOf(name)].trim();
    const int = (name: string, min: number) => {
      const raw = get(name);
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isInteger(v) || v < min) throw new Error(`${where}: ${name} must be a whole number ≥ ${min}, got "${raw}".`);
      return v;
    };
    const idx = int('idx', 0);
    const label = int('label', 0);
    const predict = int('predict', -1);
    const correct = int('correct', 0);
    if (correct > 1) throw new Error(`${where}: correct must be 0 or 1, got "${get('correct')}".`);
    // Cohen et al.'s logs write correct = int(predict == label); an abstention (-1) is never correct.
    if (correct !== (predict === label ? 1 : 0)) throw new Error(`${where}: correct is ${correct} but predict ${predict} ${predict === label ? 'equals' : 'differs from'} label ${label}.`);
    const before = seen.get(idx);
    if (before !== undefined) throw new Error(`${where}: idx ${idx} appears twice (first on line ${before}).`);
    seen.set(idx, i + 1);
    let radius: number | null = null;
    if (kind === 'certify') {
      const raw = get('radius');
      radius = raw === '' ? NaN : Number(raw);
      if (!(radius >= 0) || !Number.isFinite(radius)) throw new Error(`${where}: radius must be a number ≥ 0, got "${raw}".`);
    }
    const time = parseTimedelta(get('time'));
    if (!(time >= 0)) throw new Error(`${where}: time must be a duration such as 0:00:01.5, got "${get('time')}".`);
    rows.push({ idx, label, predict, radius, correct: correct as 0 | 1, time });
  }
  return { kind, rows };
}
