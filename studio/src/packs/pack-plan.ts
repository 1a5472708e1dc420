import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { previewOf, type PublishPreview } from '../publish/publish-plan';
import type { ItemAction, PackConflict, PackEntry, PackResult, PackStep, Resolution } from './packs.api';

/**
 * What the Packs page decides without the engine: which steps a pack's row offers, how an item's
 * action reads, whether every conflict has its choice, when the confirm button may be pressed,
 * and where the progress bar stands. Pure, so it is tested on its own.
 */

/** A button of a pack's row: the step it runs and what it is called (a reinstall is an install). */
export interface RowAction {
  step: PackStep;
  kind: 'install' | 'upgrade' | 'uninstall' | 'reinstall';
}

/** "1.10.0" vs "1.9.0" by number, major first; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('-', 2);
    return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The steps the pack's state allows; a pack the engine cannot read offers none but uninstall. */
export function rowActions(pack: PackEntry): RowAction[] {
  const offered = !pack.problem && pack.available !== undefined;
  const state = pack.installed?.state;
  if (state === 'installed') {
    const newer = offered && compareVersions(pack.available!, pack.installed!.version) > 0;
    return [
      ...(newer ? [{ step: 'upgrade', kind: 'upgrade' } as const] : []),
      { step: 'uninstall', kind: 'uninstall' },
    ];
  }
  if (!offered) return [];
  return [state === 'uninstalled' ? { step: 'install', kind: 'reinstall' } : { step: 'install', kind: 'install' }];
}

/** The i18n key of an item's action in words (studio.packs.action.*). */
export const actionKey = (action: ItemAction) => `studio.packs.action.${action}` as const;

/** The order items are listed in: what changes first, the unchanged last. */
const ORDER: Record<ItemAction, number> = { add: 0, update: 1, remove: 2, keepDeleted: 3, unchanged: 4 };
export const byAction = <T extends { action: ItemAction; apiName: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.apiName.localeCompare(b.apiName));

/** Paths of an item as text; the empty path is the whole item (`whole`). */
export const pathsText = (paths: string[], whole: string) => paths.map((p) => p || whole).join(', ');

/** Conflicts still without a choice. */
export const openConflicts = (conflicts: PackConflict[], choices: Record<string, Resolution>) =>
  conflicts.filter((c) => !choices[c.key]);

/**
 * Whether the step may be applied: a plan read, nothing blocked, every conflict chosen, and lossy
 * steps confirmed. A plan with nothing to do has nothing to apply either.
 */
export function canApply(
  preview: PublishPreview | undefined,
  conflicts: PackConflict[],
  choices: Record<string, Resolution>,
  lossyConfirmed: boolean,
): boolean {
  if (!preview || preview.state === 'blocked' || preview.state === 'nothing') return false;
  if (openConflicts(conflicts, choices).length) return false;
  return preview.state === 'ready' || lossyConfirmed;
}

/** The choices sent: only those for conflicts of this plan (a stale key would mean nothing). */
export const resolutionsFor = (conflicts: PackConflict[], choices: Record<string, Resolution>) =>
  Object.fromEntries(conflicts.flatMap((c) => (choices[c.key] ? [[c.key, choices[c.key]!]] : [])));

/**
 * Where the dialog is: the dry run in flight (checking), its plan shown awaiting the admin
 * (planning), the step in flight (applying), finished (done), or refused at some stage.
 */
export type Phase = 'checking' | 'planning' | 'applying' | 'done';
export const PHASES: Phase[] = ['checking', 'planning', 'applying', 'done'];

/**
 * The progress bar's percent: each phase the share of requests completed so far — none while
 * the dry run runs, one of two while the plan waits and the step runs, all when done.
 */
export const percentOf = (phase: Phase): number => ({ checking: 0, planning: 50, applying: 50, done: 100 })[phase];

/** A value of a conflict as text: a label map, a list or a plain value. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** True when the engine refused because the draft has unpublished edits. */
export const isDraftPending = (error: unknown): boolean =>
  (error as Partial<ApiError> | undefined)?.errors?.some((e) => e.code === 'draftPending') === true;

/**
 * The plan preview of a step's dry run. A step that changes the pack's record but neither
 * metadata nor schema (an upgrade whose every change the admin already has) is still a step to
 * apply, so it reads as ready rather than nothing.
 */
export function previewOfStep(result: PackResult): PublishPreview {
  const preview = previewOf(result);
  return result.changed && preview.state === 'nothing' ? { ...preview, state: 'ready' } : preview;
}
