import type { Settings } from '../fields/settings-schema';
import type { Action } from './automation.api';
import { branchOfAction, fromFormData, toFormData, type Branch, type BranchForm } from './schema-branch';

/**
 * Actions as the builder edits them: each a row with a key that survives reordering (dnd-kit
 * sorts by it), its branch of the schema, and its form's data (JSON values still as text, so a
 * half-typed value is not lost).
 */
export interface ActionRow {
  key: string;
  branch: string;
  data: Settings;
}

let last = 0;
export const rowKey = () => `row-${++last}`;

export function rowsFromActions(
  actions: Action[] | undefined,
  branches: Branch[],
  formOf: (b: Branch) => BranchForm,
): ActionRow[] {
  return (actions ?? []).flatMap((action) => {
    const branch = branchOfAction(branches, action);
    return branch ? [{ key: rowKey(), branch: branch.key, data: toFormData(formOf(branch), action) }] : [];
  });
}

/** The actions to store, or the pointers (under `pointer`) of JSON values that do not parse. */
export function actionsFromRows(
  rows: ActionRow[],
  branches: Branch[],
  formOf: (b: Branch) => BranchForm,
  pointer: string,
): { actions: Action[]; badJson: string[] } {
  const badJson: string[] = [];
  const actions = rows.map((row, i) => {
    const branch = branches.find((b) => b.key === row.branch)!;
    const { value, badJson: bad } = fromFormData(formOf(branch), row.data);
    badJson.push(...bad.map((name) => `${pointer}/${i}/${name}`));
    return { ...branch.fixed, ...value } as Action;
  });
  return { actions, badJson };
}
