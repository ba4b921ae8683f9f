/**
 * Draws each "what to notice" callout on the page: a numbered badge and an outline on the element
 * its selector finds, placed from getBoundingClientRect. Elements appear when a run finishes and
 * move when the page scrolls or reflows, so the boxes are re-measured on scroll, resize, DOM
 * changes and a light timer (at most once per frame).
 */
import { useEffect, useState } from 'react';
import type { Callout } from './lessonTypes';

interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

function boxOf(selector: string): Box | null {
  const el = document.querySelector(selector);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return null;
  return { top: r.top, left: r.left, width: r.width, height: r.height };
}

const sameBoxes = (a: Array<Box | null>, b: Array<Box | null>) => a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));

/** The current box of each callout's anchor (null while it is absent). */
export function useAnchorBoxes(callouts: readonly Callout[]): Array<Box | null> {
  const [boxes, setBoxes] = useState<Array<Box | null>>([]);
  useEffect(() => {
    let frame = 0;
    const measure = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const next = callouts.map((c) => boxOf(c.anchor));
        setBoxes((prev) => (sameBoxes(prev, next) ? prev : next));
      });
    };
    measure();
    const observer = new MutationObserver(measure);
    observer.observe(document.body, { childList: true, subtree: true });
    const timer = setInterval(measure, 400);
    window.addEventListener('scroll', measure, true);
    window.addEventListener('resize', measure);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      clearInterval(timer);
      window.removeEventListener('scroll', measure, true);
      window.removeEventListener('resize', measure);
    };
  }, [callouts]);
  return boxes;
}

const BADGE = 22;

export function CalloutBadges({ callouts, boxes }: { callouts: readonly Callout[]; boxes: Array<Box | null> }) {
  return (
    <div className="callout-layer" aria-hidden="true">
      {callouts.map((c, i) => {
        const box = boxes[i];
        if (!box) return null;
        // Callouts on the same element sit side by side.
        const before = callouts.slice(0, i).filter((o) => o.anchor === c.anchor).length;
        return (
          <div key={i}>
            <div className="callout-outline" data-testid={`callout-outline-${i + 1}`} style={{ top: box.top, left: box.left, width: box.width, height: box.height }} />
            <span
              className="callout-badge"
              data-testid={`callout-badge-${i + 1}`}
              style={{ top: box.top - BADGE / 2, left: Math.max(2, box.left - BADGE / 2 + before * (BADGE + 4)) }}
            >
              {i + 1}
            </span>
          </div>
        );
      })}
    </div>
  );
}
