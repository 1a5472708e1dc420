import { ApiError } from '@tessera/runtime-ui/api/api-error';
import { describe, expect, it } from 'vitest';
import {
  actionKey,
  byAction,
  canApply,
  compareVersions,
  isDraftPending,
  openConflicts,
  percentOf,
  pathsText,
  PHASES,
  previewOfStep,
  resolutionsFor,
  rowActions,
  showValue,
} from './pack-plan';
import type { PackConflict, PackEntry } from './packs.api';
import { previewOf } from '../publish/publish-plan';

const pack = (extra: Partial<PackEntry> = {}): PackEntry => ({
  name: 'demo',
  namespace: 'dm',
  label: 'Demo',
  available: '2.0.0',
  dependencies: {},
  ...extra,
});
const installed = (version: string, state: 'installed' | 'uninstalled' = 'installed') => ({
  installed: { version, state, changedAt: '2026-01-01T00:00:00.000Z' },
});
const conflict = (key: string): PackConflict => ({
  key,
  kind: 'object',
  apiName: 'dm_ticket',
  path: 'label/en',
  base: 'Ticket',
  mine: 'Case',
  theirs: 'Request',
});
const step = (extra: object = {}) => ({
  op: 'addColumn',
  table: 'dm_ticket',
  description: 'add',
  lossy: false,
  ...extra,
});

describe('the steps a pack offers', () => {
  it('offers install when not installed, reinstall when uninstalled', () => {
    expect(rowActions(pack())).toEqual([{ step: 'install', kind: 'install' }]);
    expect(rowActions(pack(installed('1.0.0', 'uninstalled')))).toEqual([{ step: 'install', kind: 'reinstall' }]);
  });

  it('offers upgrade only for a newer version, uninstall whenever installed', () => {
    expect(rowActions(pack(installed('1.0.0'))).map((a) => a.kind)).toEqual(['upgrade', 'uninstall']);
    expect(rowActions(pack(installed('2.0.0'))).map((a) => a.kind)).toEqual(['uninstall']);
    expect(rowActions(pack({ ...installed('3.0.0') })).map((a) => a.kind)).toEqual(['uninstall']);
  });

  it('offers nothing but uninstall for a pack the engine cannot read or that left the folder', () => {
    expect(rowActions(pack({ problem: 'pack.json is invalid' }))).toEqual([]);
    expect(rowActions(pack({ available: undefined, ...installed('1.0.0') })).map((a) => a.kind)).toEqual(['uninstall']);
    expect(rowActions(pack({ available: undefined, ...installed('1.0.0', 'uninstalled') }))).toEqual([]);
  });

  it('compares versions by number, a pre-release before its release', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('2.0.0-beta.1', '2.0.0')).toBe(-1);
    expect(compareVersions('0.9.9', '1.0.0')).toBe(-1);
  });
});

describe('the plan in words', () => {
  it('names each action by its own key', () => {
    for (const action of ['add', 'update', 'remove', 'keepDeleted', 'unchanged'] as const)
      expect(actionKey(action)).toBe(`studio.packs.action.${action}`);
  });

  it('lists changes first and the unchanged last', () => {
    const items = [
      { action: 'unchanged' as const, apiName: 'a' },
      { action: 'keepDeleted' as const, apiName: 'b' },
      { action: 'add' as const, apiName: 'z' },
      { action: 'add' as const, apiName: 'c' },
    ];
    expect(byAction(items).map((i) => i.apiName)).toEqual(['c', 'z', 'b', 'a']);
  });

  it('names the paths of an item, the empty one as the whole item', () => {
    expect(pathsText(['/label/en', ''], 'all of it')).toBe('/label/en, all of it');
  });

  it('shows values as text', () => {
    expect(showValue('Case')).toBe('Case');
    expect(showValue(undefined)).toBe('—');
    expect(showValue(['a', 'b'])).toBe('["a","b"]');
  });
});

describe('conflict readiness', () => {
  const ready = previewOf({ diff: [], plan: [step()] });
  const lossy = previewOf({ diff: [], plan: [step({ lossy: true, rows: 3 })] });

  it('needs a choice for every conflict', () => {
    const conflicts = [conflict('object:dm.ticket/label/en'), conflict('object:dm.ticket/label/zh-CN')];
    expect(openConflicts(conflicts, {}).length).toBe(2);
    const one = { 'object:dm.ticket/label/en': 'keepMine' as const };
    expect(openConflicts(conflicts, one).map((c) => c.key)).toEqual(['object:dm.ticket/label/zh-CN']);
    expect(canApply(ready, conflicts, one, false)).toBe(false);
    const both = { ...one, 'object:dm.ticket/label/zh-CN': 'takeTheirs' as const };
    expect(canApply(ready, conflicts, both, false)).toBe(true);
  });

  it('needs lossy steps confirmed, and refuses a blocked or empty plan', () => {
    expect(canApply(lossy, [], {}, false)).toBe(false);
    expect(canApply(lossy, [], {}, true)).toBe(true);
    expect(canApply(previewOf({ diff: [], plan: [step({ blocked: 'no' })] }), [], {}, true)).toBe(false);
    expect(canApply(previewOf({ diff: [], plan: [] }), [], {}, true)).toBe(false);
    expect(canApply(undefined, [], {}, true)).toBe(false);
  });

  it('sends only the choices of this plan', () => {
    const conflicts = [conflict('k1')];
    expect(resolutionsFor(conflicts, { k1: 'takeTheirs', stale: 'keepMine' })).toEqual({ k1: 'takeTheirs' });
  });
});

describe('the progress bar', () => {
  it('advances only as requests complete', () => {
    expect(PHASES.map(percentOf)).toEqual([0, 50, 50, 100]);
  });

  it('recognises the refusal of an unclean draft', () => {
    const refusal = new ApiError(409, 'Conflict', 'the draft has unpublished edits', [
      { field: 'draft', code: 'draftPending', message: '1 unpublished change(s)' },
    ]);
    expect(isDraftPending(refusal)).toBe(true);
    expect(isDraftPending(new ApiError(409, 'Conflict', 'x', [{ field: 'v', code: 'version', message: '' }]))).toBe(
      false,
    );
    expect(isDraftPending(undefined)).toBe(false);
  });
});

describe('the preview of a step', () => {
  const result = (changed: boolean, plan: object[] = []) => ({
    pack: 'demo',
    step: 'upgrade' as const,
    from: '1.0.0',
    to: '2.0.0',
    changed,
    release: null,
    dryRun: true,
    diff: [],
    plan: plan as never[],
    items: [],
    conflicts: [],
  });

  it('is ready for a step that changes only the pack record, nothing for one that changes nothing', () => {
    expect(previewOfStep(result(true)).state).toBe('ready');
    expect(previewOfStep(result(false)).state).toBe('nothing');
    expect(previewOfStep(result(true, [step({ lossy: true, rows: 1 })])).state).toBe('confirm');
  });
});
