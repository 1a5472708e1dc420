import type { Settings } from '../fields/settings-schema';
import { toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';
import { rowKey } from './action-rows';
import { branchForm, fromFormData, stepBranch, toFormData, type BranchForm } from './schema-branch';

/**
 * An approval step as the editor holds it: the generated form's data (name, approver, mode), the
 * label in both UI languages and the condition, which have their own inputs.
 */
export interface StepRow {
  key: string;
  data: Settings;
  label: LabelTexts;
  /** The stored label, so locales the studio does not edit are kept. */
  storedLabel?: Label;
  condition?: unknown;
}

export const STEP_BRANCH = stepBranch();
/** Drawn apart: the label as two inputs, the condition in the rule editor. */
export const STEP_OWN_INPUTS = ['label', 'condition'];

export const stepForm = (title: (name: string) => string): BranchForm =>
  branchForm(STEP_BRANCH, title, { omit: STEP_OWN_INPUTS });

export function rowsFromSteps(steps: Settings[] | undefined, form: BranchForm): StepRow[] {
  return (steps ?? []).map((s) => ({
    key: rowKey(),
    data: toFormData(form, s),
    label: toTexts(s.label as Label | undefined),
    storedLabel: s.label as Label | undefined,
    condition: s.condition,
  }));
}

export function stepsFromRows(rows: StepRow[], form: BranchForm): Settings[] {
  return rows.map((row) => {
    const { value } = fromFormData(form, row.data);
    const label = toLabel(row.label, row.storedLabel);
    return {
      ...value,
      ...(label ? { label } : {}),
      ...(row.condition === undefined ? {} : { condition: row.condition }),
    };
  });
}
