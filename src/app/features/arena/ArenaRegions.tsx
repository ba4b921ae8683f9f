/**
 * Every family's decisions over the 2-D plane side by side, one small canvas each: the class
 * colours, abstain regions hatched (grey stripes over a light ground), and the test points in
 * their class colours. Drawn straight onto canvases (a 60 × 60 grid per family).
 */
import { useEffect, useRef } from 'react';
import { ABSTAIN_DECISION, type ArenaRow } from '../../../core/settings';
import { CLASS_COLORS, CLASS_TINTS } from '../../plots/colors';

const SIZE = 180;

function drawRegions(canvas: HTMLCanvasElement, row: ArenaRow, points: readonly number[], labels: readonly number[]): void {
  const grid = row.grid!;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const n = grid.resolution;
  const cell = SIZE / n;
  const { xMin, xMax, yMin, yMax } = grid.bounds;
  ctx.clearRect(0, 0, SIZE, SIZE);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const d = grid.decisions[r * n + c];
      const x = c * cell;
      const y = SIZE - (r + 1) * cell;
      if (d === ABSTAIN_DECISION) {
        ctx.fillStyle = '#f2f2f2';
        ctx.fillRect(x, y, cell + 0.5, cell + 0.5);
      } else {
        ctx.fillStyle = d >= 0 && d < CLASS_TINTS.length ? CLASS_TINTS[d] : '#000000';
        ctx.fillRect(x, y, cell + 0.5, cell + 0.5);
      }
    }
  }
  // Hatching: diagonal stripes clipped to the abstain cells.
  ctx.save();
  ctx.beginPath();
  for (let i = 0; i < grid.decisions.length; i++) {
    if (grid.decisions[i] !== ABSTAIN_DECISION) continue;
    const r = Math.floor(i / n);
    const c = i % n;
    ctx.rect(c * cell, SIZE - (r + 1) * cell, cell + 0.5, cell + 0.5);
  }
  ctx.clip();
  ctx.strokeStyle = '#707070';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let k = -SIZE; k < SIZE; k += 6) {
    ctx.moveTo(k, SIZE);
    ctx.lineTo(k + SIZE, 0);
  }
  ctx.stroke();
  ctx.restore();
  for (let i = 0; i < labels.length; i++) {
    const px = ((points[2 * i] - xMin) / (xMax - xMin)) * SIZE;
    const py = SIZE - ((points[2 * i + 1] - yMin) / (yMax - yMin)) * SIZE;
    ctx.fillStyle = CLASS_COLORS[labels[i] % CLASS_COLORS.length];
    ctx.beginPath();
    ctx.arc(px, py, 2.2, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** A canvas with the row's regions and the test points, for the report. */
export function regionCanvas(row: ArenaRow, points: readonly number[], labels: readonly number[]): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  drawRegions(canvas, row, points, labels);
  return canvas;
}

function RegionCanvas({ row, points, labels }: { row: ArenaRow; points: readonly number[]; labels: readonly number[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawRegions(ref.current, row, points, labels);
  }, [row, points, labels]);
  const abstained = row.grid!.decisions.filter((d) => d === ABSTAIN_DECISION).length / row.grid!.decisions.length;
  return (
    <figure className="arena-region" data-testid={`arena-region-${row.family}`}>
      <canvas ref={ref} width={SIZE} height={SIZE} data-abstain-share={abstained.toFixed(4)} aria-label={`Decision regions of ${row.label}`} />
      <figcaption>
        {row.label}
        <br />
        <span className="hint">abstains on {(100 * abstained).toFixed(1)}% of the plane</span>
      </figcaption>
    </figure>
  );
}

export function ArenaRegions({ rows, points, labels }: { rows: readonly ArenaRow[]; points: readonly number[]; labels: readonly number[] }) {
  const drawn = rows.filter((r) => r.grid);
  if (!drawn.length) return null;
  return (
    <div className="arena-regions" data-testid="arena-regions">
      {drawn.map((r) => (
        <RegionCanvas key={r.family} row={r} points={points} labels={labels} />
      ))}
      <p className="hint">Hatched: the model abstains there. Dots: the test inputs, coloured by their label.</p>
    </div>
  );
}
