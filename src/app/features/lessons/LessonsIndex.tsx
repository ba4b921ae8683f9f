/** The Lessons view: a card per guided lesson with its papers, its steps and about how long its runs take. */
import { useStore } from '../../state/store';
import { urlFor } from '../../state/urlState';
import { LESSONS } from './content/lessons';
import { lessonRun, openStep } from './lessonStore';
import { expectedDuration, useRecordedTimes } from '../../state/presetTimes';
import { PaperLink } from '../../ui/PaperLink';
import type { Lesson } from './lessonTypes';
import './lessons.css';

/** The runs of all steps together (each measured here once it has run, else the reference machine's), rounded up to half minutes. */
function runTime(lesson: Lesson, backend: string | null): string {
  const ms = lesson.steps.reduce((t, s, i) => t + (expectedDuration(lessonRun(lesson.id, i + 1, s.action.seconds), backend)?.ms ?? s.action.seconds * 1000), 0);
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 60 ? `about ${seconds} s of runs` : `about ${Math.ceil(seconds / 30) / 2} min of runs`;
}

function LessonCard({ lesson, index }: { lesson: Lesson; index: number }) {
  const config = useStore((s) => s.config);
  const backend = useStore((s) => s.requestedBackend);
  const running = useStore((s) => s.backend?.backend ?? null);
  useRecordedTimes();
  const first = lesson.steps[0];
  const href = urlFor(config, first.view, backend, { lesson: lesson.id, step: 1 });
  return (
    <article className="lesson-card" data-testid="lesson-card" data-lesson={lesson.id}>
      <h3>
        {index + 1}. {lesson.title}
      </h3>
      <p>{lesson.summary}</p>
      <div className="lesson-papers">
        {lesson.papers.map((id) => (
          <PaperLink key={id} id={id} testId="lesson-paper" />
        ))}
      </div>
      <ol className="lesson-card-steps">
        {lesson.steps.map((s) => (
          <li key={s.title}>{s.title}</li>
        ))}
      </ol>
      <div className="lesson-card-foot">
        <span className="hint" data-testid="lesson-card-meta">
          {lesson.steps.length} steps · {runTime(lesson, running)}
        </span>
        <a
          className="lesson-start"
          href={href}
          data-testid="lesson-start"
          onClick={(e) => {
            e.preventDefault();
            openStep(lesson.id, 1);
          }}
        >
          Start
        </a>
      </div>
    </article>
  );
}

export function LessonsIndex() {
  return (
    <div className="lessons-index" data-testid="lessons-view">
      <div className="lessons-intro">
        <h2>Lessons</h2>
        <p>
          Guided lessons for teaching: each step explains one idea in a few sentences, runs a small experiment in the workbench with one button, and points at what to notice in
          the live plots. Every step has its own link; move between steps with the arrow keys or Page Up / Page Down (a presentation clicker).
        </p>
      </div>
      <div className="lesson-cards">
        {LESSONS.map((l, i) => (
          <LessonCard key={l.id} lesson={l} index={i} />
        ))}
      </div>
    </div>
  );
}
