import type { FieldType, FilterOperator, WidgetId } from './field-types.generated';
import type { FieldProblem } from './api-error';
import { requestJson } from './http';

/**
 * The published metadata as the engine hands it to the UI (GET /api/v1/meta/runtime): the
 * current release's objects with, per field, what the engine allows (filter operators, sort,
 * read-only, default widget), plus layouts, list views, dashboards and manual workflows.
 */

export type Label = string | Record<string, string>;

// The engine's registry is the one list of field types, operators and widgets: the generated
// file carries them across (runtime-ui does not import engine code).
export type { FieldType, FilterOperator, WidgetId } from './field-types.generated';

export interface PicklistValue {
  value: string;
  label?: Label;
  color?: string;
  /** false: no longer offered for new choices; records may still hold it. */
  active?: boolean;
}

export interface FieldMeta {
  id: string;
  apiName: string;
  type: FieldType;
  label: Label;
  required?: boolean;
  default?: unknown;
  helpText?: Label;
  maxLength?: number;
  min?: number;
  max?: number;
  scale?: number;
  values?: PicklistValue[];
  isStage?: boolean;
  target?: string;
  /** A computed field's (formula, rollup): the type its values are shown and filtered as. */
  returnType?: FieldType;
  operators: FilterOperator[];
  sortable: boolean;
  readOnly: boolean;
  /** The form control the engine names for the field; form/widgets/index.ts draws each. */
  widget: WidgetId;
}

export interface ObjectMeta {
  id: string;
  apiName: string;
  label: Label;
  pluralLabel: Label;
  nameField: string;
  icon?: string;
  /** An active approval process covers its records. */
  approvals?: boolean;
  fields: FieldMeta[];
}

export interface LayoutMeta {
  id: string;
  apiName: string;
  object: string;
  highlights?: string[];
  sections: { id: string; label?: Label; columns?: 1 | 2; fields: string[]; visibleWhen?: unknown }[];
  /** Per-field json-logic rules over the record, by field API name. */
  fieldRules?: Record<string, { visibleWhen?: unknown; requiredWhen?: unknown }>;
  relatedLists?: { id: string; object: string; field: string; label?: Label; columns: string[] }[];
}

export interface ListViewMeta {
  id: string;
  apiName: string;
  object: string;
  label: Label;
  columns: string[];
  filter?: unknown;
  sort?: string;
  /** Roles for whom this view opens first. */
  defaultFor?: string[];
  visibility?: 'shared' | 'private';
  /** Also a board: the picklist whose values make its columns, and the field each column sums. */
  kanban?: { groupBy: string; summary?: string };
  /** What the engine left out of the view for this user (fields they may not read), as for private views. */
  dropped?: FieldProblem[];
}

export type WidgetType = 'metric' | 'bar' | 'line' | 'pie' | 'funnel';

export interface DashboardWidgetMeta {
  id: string;
  type: WidgetType;
  label: Label;
  object: string;
  metric: string;
  groupBy?: string;
  filter?: unknown;
  dateField?: string;
  span?: number;
}

export interface DashboardMeta {
  id: string;
  apiName: string;
  label: Label;
  description?: Label;
  dateFilter?: { label?: Label; default?: string };
  widgets: DashboardWidgetMeta[];
}

/** An active manual workflow (trigger `{ manual: true }`): a button on its object's record pages and list rows. */
export interface ManualWorkflowMeta {
  apiName: string;
  label: Label;
  object: string;
}

export interface RuntimeMetadata {
  release: number;
  objects: ObjectMeta[];
  layouts: LayoutMeta[];
  listViews: ListViewMeta[];
  dashboards: DashboardMeta[];
  /** The manual workflows on objects the user sees. */
  actions: ManualWorkflowMeta[];
}

export const fetchRuntimeMetadata = () => requestJson<RuntimeMetadata>('/meta/runtime');
