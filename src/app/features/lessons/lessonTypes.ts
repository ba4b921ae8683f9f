/**
 * The shape of a lesson: plain data (text, the view, the action as a description, the callouts),
 * kept apart from the components that show it and from the code that runs the actions.
 */
import type { DisplayOptions } from '../../state/store';
import type { View } from '../../state/urlState';
import type { SmoothingSettings } from '../smoothing/smoothing';
import type { NoiseRejectionSettings } from '../smoothing/noiseRejection';
import type { PaperId } from '../../papers';

/** Settings of the 2-D experiment by dotted path (as in the URL), over the defaults. */
export type ConfigPatch = Record<string, string | number | boolean | null>;

/**
 * What a step's button does. Every kind sets the workbench up from scratch (the models it needs
 * are trained first when missing), so that a step opened from a link runs on its own.
 */
export type LessonAction =
  /** Train a playground model with `config` (unless one with the same settings exists), then attack its test points. */
  | { kind: 'playground'; config: ConfigPatch; display?: Partial<DisplayOptions> }
  /** Train a robust and a core playground model, then compose them with the robustness-indicator selector. */
  | { kind: 'compose'; config: ConfigPatch; robust: ConfigPatch; core: ConfigPatch }
  /** The robust-inaccuracy preset (standard, TRADES, ERA side by side) with fewer points and epochs. */
  | { kind: 'figure1'; size: number; epochs: number }
  /** Train a base model, then draw the smoothed regions and/or certify its test points. */
  | { kind: 'smoothing'; config: ConfigPatch; smoothing: Partial<SmoothingSettings>; run: Array<'grid' | 'certify'> }
  /** Train one base model per method and certify each: their curves share the plot. */
  | { kind: 'smoothing-methods'; config: ConfigPatch; methods: string[]; smoothing: Partial<SmoothingSettings> }
  /** Sample rejection: a base model, its denoiser and rejectors, and a certification with rejection. */
  | { kind: 'sample-rejection'; config: ConfigPatch; smoothing: Partial<SmoothingSettings>; rejection: Partial<NoiseRejectionSettings>; run: 'plain' | 'train' | 'certify' }
  /** The coupled-rejection preset (an RR model, attacked and scored), then the display controls: which attacked set the plots show, ξ and τ. */
  | { kind: 'rectified'; size: number; epochs: number; set: 'pgd' | 'adaptive'; xi?: number; temperature?: number }
  /** Train one IBP model, verify it with IBP and CROWN and attack it with PGD under the abstain rule. */
  | { kind: 'verify'; config: ConfigPatch }
  /** The multiple-abstain-classes preset (four IBP models verified and attacked) with fewer epochs. */
  | { kind: 'abstain-preset'; epochs: number };

/** A "what to notice" note, drawn as a numbered badge on the page element `anchor` (a CSS selector). */
export interface Callout {
  anchor: string;
  text: string;
}

export interface LessonStep {
  title: string;
  /** The view the step happens in; opening the step switches to it. */
  view: View;
  /** Two to four plain sentences. */
  text: string[];
  action: { label: string; seconds: number; run: LessonAction };
  callouts: Callout[];
}

export interface Lesson {
  id: string;
  title: string;
  /** One line for the lesson index. */
  summary: string;
  papers: PaperId[];
  steps: LessonStep[];
}
