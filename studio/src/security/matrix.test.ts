import { describe, expect, it } from 'vitest';
import { effective, fieldAccess, implied, sameSet, withFieldAccess, withObjectFlag, withSystem } from './matrix';
import type { PermissionSet } from './security.api';

const set = (extra: Partial<PermissionSet> = {}): PermissionSet => ({ apiName: 'ps', label: 'PS', ...extra });

describe('object permissions in the matrix', () => {
  it('implies what the engine implies: modifyAll everything, viewAll read, delete edit and read', () => {
    expect(effective({ modifyAll: true })).toEqual({
      read: true,
      create: true,
      edit: true,
      delete: true,
      viewAll: true,
      modifyAll: true,
    });
    expect(effective({ viewAll: true })).toMatchObject({ read: true, create: false, edit: false, viewAll: true });
    expect(effective({ delete: true })).toMatchObject({ read: true, edit: true, delete: true, viewAll: false });
    expect(effective({ create: true })).toMatchObject({ read: false, create: true });
  });

  it('locks only the flags another ticked flag gives', () => {
    expect(implied({ read: true, edit: true })).toMatchObject({ read: true, edit: false, create: false });
    expect(implied({ modifyAll: true })).toMatchObject({ read: true, viewAll: true, delete: true, modifyAll: false });
    expect(implied({})).toEqual(effective({}));
  });

  it('stores what was ticked and drops an object left with nothing', () => {
    let s = withObjectFlag(set(), 'lead', 'read', true);
    s = withObjectFlag(s, 'lead', 'create', true);
    expect(s.objects).toEqual({ lead: { read: true, create: true } });
    s = withObjectFlag(withObjectFlag(s, 'lead', 'read', false), 'lead', 'create', false);
    expect(s.objects).toEqual({});
  });

  it('adds and removes system permissions once', () => {
    const s = withSystem(withSystem(set({ system: ['apiAccess'] }), 'manageUsers', true), 'manageUsers', true);
    expect(s.system).toEqual(['apiAccess', 'manageUsers']);
    expect(withSystem(s, 'apiAccess', false).system).toEqual(['manageUsers']);
  });
});

describe('the field grid', () => {
  const editor = set({ objects: { lead: { read: true, edit: true } } });

  it('shows unlisted fields following the object, listed ones as stored (edit only with object edit)', () => {
    expect(fieldAccess(editor, 'lead', 'email')).toEqual({ read: true, edit: true, listed: false });
    const reader = set({ objects: { lead: { read: true } }, fields: { 'lead.email': { edit: true } } });
    expect(fieldAccess(reader, 'lead', 'email')).toEqual({ read: true, edit: false, listed: true });
  });

  it('stores a field only when it differs from the object, edit implying read', () => {
    const readOnly = withFieldAccess(editor, 'lead', 'email', { edit: false });
    expect(readOnly.fields).toEqual({ 'lead.email': { read: true, edit: false } });
    const hidden = withFieldAccess(readOnly, 'lead', 'email', { read: false });
    expect(hidden.fields).toEqual({ 'lead.email': { read: false, edit: false } });
    const back = withFieldAccess(hidden, 'lead', 'email', { edit: true });
    expect(back.fields).toEqual({});
    expect(sameSet(back, { ...editor, fields: {} })).toBe(true);
  });

  it('compares sets whatever the order of their keys', () => {
    expect(
      sameSet(set({ objects: { a: { read: true, edit: true } } }), set({ objects: { a: { edit: true, read: true } } })),
    ).toBe(true);
    expect(sameSet(set({ objects: { a: { read: true } } }), set({ objects: { a: { edit: true } } }))).toBe(false);
  });
});
