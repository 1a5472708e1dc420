import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { actionBranches, branchForm, type Branch, type BranchForm, type ObjectChoice } from './schema-branch';

/** Built once: the schema files are part of the bundle. */
export const ACTION_BRANCHES = actionBranches();

/** A property's translated title (the property name when there is none). */
export function usePropertyTitle() {
  const { t } = useTranslation();
  return (name: string) => t(`studio.automation.prop.${name}`, { defaultValue: name });
}

/** A branch's translated name: an action type such as updateRelated_parent. */
export function useActionName() {
  const { t } = useTranslation();
  return (key: string) => t(`studio.automation.actionType.${key.replace('.', '_')}`, { defaultValue: key });
}

/** The form of each action type, with the draft's objects offered where an object is named. */
export function useActionForms(objects: ObjectChoice[]): (b: Branch) => BranchForm {
  const title = usePropertyTitle();
  const { i18n } = useTranslation();
  const lng = i18n.language;
  const key = objects.map((o) => `${o.value}:${o.label}`).join(',');
  return useMemo(() => {
    const forms = new Map(ACTION_BRANCHES.map((b) => [b.key, branchForm(b, title, { objects })]));
    return (b: Branch) => forms.get(b.key)!;
    // The title function changes with the language only; `key` stands for the objects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, lng]);
}
