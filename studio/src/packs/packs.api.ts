import { query, requestJson } from '@tessera/runtime-ui/api/http';
import type { Label, PublishResult } from '../api/studio.api';

/**
 * The pack lifecycle (/packs): the packs of the engine's packs folder with what the tenant has
 * installed, and each step — install, upgrade, uninstall — as a dry run for its plan or applied.
 * Shapes follow engine/src/packs/packs.service.ts (PackEntry, PackResult) and merge.ts.
 */

export type PackStep = 'install' | 'upgrade' | 'uninstall';
export type Resolution = 'keepMine' | 'takeTheirs';
export type ItemAction = 'add' | 'update' | 'remove' | 'keepDeleted' | 'unchanged';

export interface PackEntry {
  name: string;
  namespace: string;
  label: Label;
  description?: string;
  /** The version in the packs folder, when the pack is there. */
  available?: string;
  dependencies: Record<string, string>;
  installed?: { version: string; state: 'installed' | 'uninstalled'; changedAt: string };
  /** Why the folder's pack cannot be read. */
  problem?: string;
}

/** What happens to one item of the pack. */
export interface PackItem {
  kind: string;
  id: string;
  apiName: string;
  action: ItemAction;
  taken: string[];
  kept: string[];
  reset: string[];
}

/** A property both the admin and the new version changed differently: it needs a choice. */
export interface PackConflict {
  key: string;
  kind: string;
  apiName: string;
  path: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  resolution?: Resolution;
}

export interface PackResult extends PublishResult {
  pack: string;
  step: PackStep;
  from: string | null;
  to: string | null;
  /** False when the step had nothing to do (the same version installed twice). */
  changed: boolean;
  items: PackItem[];
  conflicts: PackConflict[];
}

export interface StepOptions {
  dryRun?: boolean;
  confirmLossy?: boolean;
  resolutions?: Record<string, Resolution>;
}

export const listPacks = () => requestJson<{ data: PackEntry[] }>('/packs').then((r) => r.data);

export function runStep(name: string, step: PackStep, { dryRun, confirmLossy, resolutions }: StepOptions = {}) {
  const search = query({ dryRun: dryRun || undefined, confirmLossy: confirmLossy || undefined });
  return requestJson<PackResult>(`/packs/${encodeURIComponent(name)}/${step}${search}`, {
    method: 'POST',
    body: { resolutions: resolutions ?? {} },
  });
}
