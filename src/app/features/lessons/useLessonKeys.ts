/**
 * Keyboard steps through a lesson: ArrowRight / PageDown for the next step, ArrowLeft / PageUp
 * for the previous one (presentation clickers send the Page keys). Keys typed into a field, a
 * list or a slider stay with it, and modified keys (Alt+Left is the browser's Back) are left alone.
 */
import { useEffect } from 'react';
import { moveStep } from './lessonStore';

const NEXT = new Set(['ArrowRight', 'PageDown']);
const PREV = new Set(['ArrowLeft', 'PageUp']);

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}

export function useLessonKeys(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented || typingInto(e.target)) return;
      const delta = NEXT.has(e.key) ? 1 : PREV.has(e.key) ? -1 : 0;
      if (!delta) return;
      e.preventDefault();
      moveStep(delta);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
