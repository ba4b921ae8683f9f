/** A thin React component over plotly.js: redraws with Plotly.react when data or layout change. */
import { useEffect, useRef } from 'react';
import Plotly, { type Data, type Layout } from 'plotly.js-cartesian-dist-min';

export interface PlotProps {
  data: Data[];
  layout: Layout;
  className?: string;
  testId?: string;
}

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };

export function Plot({ data, layout, className, testId }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current) void Plotly.react(ref.current, data, { autosize: true, ...layout }, CONFIG);
  }, [data, layout]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  return <div ref={ref} className={className ?? 'plot'} data-testid={testId} />;
}
