/** Buttons that save a result as CSV (one row per point or image) and as JSON. */
import { type CsvRow, toCsv } from '../../core/settings';
import { download, downloadJson } from './download';

export function ResultDownloads({ name, rows, json }: { name: string; rows: () => CsvRow[]; json: () => unknown }) {
  return (
    <span className="downloads">
      <button type="button" className="small" data-testid="download-csv" onClick={() => download(`${name}.csv`, toCsv(rows()), 'text/csv')} title="One row per point: labels, predictions before and after the attack, category.">
        CSV
      </button>
      <button type="button" className="small" data-testid="download-json" onClick={() => downloadJson(`${name}.json`, json())} title="The attack settings, metrics and per-point results as JSON.">
        JSON
      </button>
    </span>
  );
}
