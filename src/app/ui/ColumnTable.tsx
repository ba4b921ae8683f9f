/**
 * A results table described by its columns: each column names its header (with an optional
 * tooltip), how to draw its cell for a row, and the data-col the browser tests read it by.
 * One list of column specs keeps header and cells from drifting apart.
 */
import type { ReactNode } from 'react';

export interface Column<R> {
  head: string;
  /** The header's tooltip. */
  tip?: string;
  /** The cells' data-col attribute. */
  col?: string;
  cell: (row: R) => ReactNode;
}

export interface ColumnTableProps<R> {
  columns: ReadonlyArray<Column<R>>;
  rows: readonly R[];
  rowKey: (row: R) => string;
  testId: string;
  rowTestId?: string;
}

export function ColumnTable<R>({ columns, rows, rowKey, testId, rowTestId }: ColumnTableProps<R>) {
  // A wide table scrolls sideways inside its card rather than running past its edge.
  return (
    <div className="table-scroll">
      <table className="bench-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} title={c.tip}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} data-testid={rowTestId}>
              {columns.map((c, i) => (
                <td key={i} data-col={c.col}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
