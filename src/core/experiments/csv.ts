/**
 * The CSV writer (RFC 4180) of the CLI's `--format csv` and the page's CSV downloads: a header row,
 * then one row per point or image.
 * Fields with a comma, a quote or a line break are quoted; null and undefined are empty;
 * booleans are true/false. No tfjs, no file system.
 */
export type CsvValue = string | number | boolean | null | undefined;
export type CsvRow = Record<string, CsvValue>;

function field(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of the rows; the columns are the keys of the rows in first-seen order. */
export function toCsv(rows: CsvRow[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  const lines = [columns.map(field).join(',')];
  for (const r of rows) lines.push(columns.map((c) => field(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/**
 * Rows from column arrays of equal length (the 2-D results' `points`): a column of pairs
 * (x, adversarial) becomes two columns, `x0` and `x1`. Absent columns are left out.
 */
export function rowsFromColumns(columns: Record<string, ArrayLike<CsvValue | number[]> | undefined>): CsvRow[] {
  const present = Object.entries(columns).filter((e): e is [string, ArrayLike<CsvValue | number[]>] => e[1] !== undefined);
  const n = present.reduce((m, [, v]) => Math.max(m, v.length), 0);
  return Array.from({ length: n }, (_, i) => {
    const row: CsvRow = {};
    for (const [name, values] of present) {
      const v = values[i];
      if (Array.isArray(v)) v.forEach((w, j) => (row[`${name}${j}`] = w));
      else row[name] = v as CsvValue;
    }
    return row;
  });
}
