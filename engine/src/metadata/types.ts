import type { FieldType } from '../fields/index.js';
import type { FormulaReturnType } from '../fields/formula.js';

/**
 * The meta-model as TypeScript types. The JSON Schemas in metadata/schemas are the contract
 * for documents coming in; these types describe the same documents once validated.
 */

/** A label is one string, or one string per locale ("en", "zh-CN"). */
export type Label = string | Record<string, string>;

/** The field types are the keys of the registry in fields/index.ts; nothing else lists them. */
export type { FieldType, FormulaReturnType };

export interface PicklistValue {
  value: string;
  label?: Label;
  color?: string;
  /** false: no longer offered for new choices; records keep it. */
  active?: boolean;
}

export type OnDelete = 'restrict' | 'setNull' | 'cascade';

export interface FieldDef {
  id: string;
  apiName: string;
  type: FieldType;
  label: Label;
  required?: boolean;
  unique?: boolean;
  default?: unknown;
  helpText?: Label;
  description?: string;
  searchable?: boolean;
  /** Every read of a value is recorded in the read audit (who, when, which record). */
  auditReads?: boolean;
  // type options; each field module reads only its own
  maxLength?: number;
  /** text-like types: stored with AES-256-GCM, matched through a blind index (fields/encrypted.ts). */
  encrypted?: boolean;
  precision?: number;
  scale?: number;
  min?: number;
  max?: number;
  values?: PicklistValue[];
  restricted?: boolean;
  isStage?: boolean;
  target?: string;
  onDelete?: OnDelete;
  relationshipName?: string;
  format?: string;
  startAt?: number;
  /** formula: json-logic over the record's own fields, computed by the database. */
  expression?: unknown;
  returnType?: FormulaReturnType;
  /** rollup: aggregate of the child records that point here through relationField. */
  child?: string;
  relationField?: string;
  aggregate?: 'count' | 'sum' | 'min' | 'max';
  field?: string;
  filter?: unknown;
}

export interface ValidationRuleDef {
  id: string;
  apiName: string;
  condition: unknown;
  message: Label;
  errorField?: string;
  active?: boolean;
  description?: string;
}

export interface ObjectDef {
  id: string;
  apiName: string;
  label: Label;
  pluralLabel: Label;
  nameField: string;
  description?: string;
  icon?: string;
  fields: FieldDef[];
  validationRules?: ValidationRuleDef[];
  sharing?: SharingDef;
}

/** Org-wide default and criteria sharing rules of one object (security, issue #4). */
export interface SharingDef {
  default: 'private' | 'read' | 'readWrite';
  rules?: SharingRuleDef[];
}

export interface SharingRuleDef {
  id?: string;
  apiName: string;
  /** json-logic over the record's own fields, compiled to SQL like a formula. */
  criteria: unknown;
  role?: string;
  roleAndSubordinates?: string;
  group?: string;
  access: 'read' | 'edit';
}

export interface RoleDef {
  id: string;
  apiName: string;
  label: Label;
  parent?: string;
  description?: string;
}

export interface GroupDef {
  id: string;
  apiName: string;
  label: Label;
  description?: string;
}

export interface ObjectPermissions {
  read?: boolean;
  create?: boolean;
  edit?: boolean;
  delete?: boolean;
  viewAll?: boolean;
  modifyAll?: boolean;
}

export interface FieldPermissions {
  read?: boolean;
  edit?: boolean;
}

export const SYSTEM_PERMISSIONS = ['manageMetadata', 'manageUsers', 'importData', 'exportData', 'apiAccess'] as const;
export type SystemPermission = (typeof SYSTEM_PERMISSIONS)[number];

export interface PermissionSetDef {
  id: string;
  apiName: string;
  label: Label;
  description?: string;
  objects?: Record<string, ObjectPermissions>;
  /** "object.field" → access. */
  fields?: Record<string, FieldPermissions>;
  system?: SystemPermission[];
}

export interface LayoutSection {
  id: string;
  label?: Label;
  columns?: 1 | 2;
  fields: string[];
  /** json-logic over the record: the section shows only while it is truthy. */
  visibleWhen?: unknown;
}

/** A placed field's rules on one layout (layout.schema.json fieldRules). */
export interface LayoutFieldRules {
  visibleWhen?: unknown;
  requiredWhen?: unknown;
}

export interface LayoutDef {
  id: string;
  apiName: string;
  object: string;
  label: Label;
  /** The roles that see it; without, the object's default layout. */
  roles?: string[];
  highlights?: string[];
  sections: LayoutSection[];
  /** Per-field rules, by API name of a field placed in a section. */
  fieldRules?: Record<string, LayoutFieldRules>;
  relatedLists?: { id: string; object: string; field: string; label?: Label; columns: string[] }[];
}

export interface ListViewDef {
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
  /** Also a board: columns by a picklist's values, each totalled by `summary`. */
  kanban?: { groupBy: string; summary?: string };
}

/** One key figure or chart of a dashboard, over the aggregate API. */
export interface DashboardWidgetDef {
  id: string;
  type: 'metric' | 'bar' | 'line' | 'pie' | 'funnel';
  label: Label;
  object: string;
  /** count, or sum|avg|min|max:<field>. */
  metric: string;
  /** <field> or <date field>:<bucket>; required for every type but metric. */
  groupBy?: string;
  filter?: unknown;
  /** The date field the dashboard's period filter applies to. */
  dateField?: string;
  span?: 1 | 2;
}

export interface DashboardDef {
  id: string;
  apiName: string;
  label: Label;
  description?: Label;
  dateFilter?: { label?: Label; default?: string };
  widgets: DashboardWidgetDef[];
}

/** Every kind of item the metadata store versions. */
export type MetadataKind = 'object' | ItemKind;
/** The kinds other than objects; see kinds.ts. */
export type ItemKind =
  'layout' | 'listView' | 'dashboard' | 'role' | 'group' | 'permissionSet' | 'workflow' | 'approvalProcess';

/** The whole published configuration, as one release holds it. Releases made before a kind existed lack it. */
export interface MetadataSnapshot {
  objects: ObjectDef[];
  layouts: LayoutDef[];
  listViews: ListViewDef[];
  dashboards?: DashboardDef[];
  roles?: RoleDef[];
  groups?: GroupDef[];
  permissionSets?: PermissionSetDef[];
  workflows?: WorkflowDef[];
  approvalProcesses?: ApprovalProcessDef[];
}

/** When a workflow starts a run: a change to one of its object's records (workflow.schema.json). */
export interface RecordTrigger {
  on: 'create' | 'update' | 'createOrUpdate' | 'delete';
  /** Updates: only when one of these fields changed. */
  fields?: string[];
  /** Only when each of these fields now holds the value (and, for updates, changed to it). */
  changedTo?: Record<string, unknown>;
  /**
   * Its updateRecord actions set the values in the write itself, before it is saved (records/
   * before-save.ts), instead of as a run after the commit: no run, no second write.
   */
  beforeSave?: boolean;
}

/** Started by a person for the records they choose (a button). */
export interface ManualTrigger {
  manual: true;
}

/** At each time of a cron schedule, for the records a filter matches. */
export interface ScheduleTrigger {
  schedule: string;
  timezone?: string;
  filter?: unknown;
}

/** Once per record when the offset (`-P3D`) from one of its date fields comes. */
export interface RelativeTrigger {
  relativeTo: string;
  offset: string;
  filter?: unknown;
}

/** A POST from another system to the workflow's secret URL, written as a record by `user`. */
export interface InboundTrigger {
  inbound: true;
  user: string;
  upsertOn?: string;
  secret: string;
}

export type WorkflowTrigger = RecordTrigger | ManualTrigger | ScheduleTrigger | RelativeTrigger | InboundTrigger;

export const isRecordTrigger = (t: WorkflowTrigger): t is RecordTrigger => 'on' in t;

/** A workflow that runs inside the write that triggers it, rather than after the commit. */
export const isBeforeSave = (w: WorkflowDef): boolean => isRecordTrigger(w.trigger) && w.trigger.beforeSave === true;
export const isManualTrigger = (t: WorkflowTrigger): t is ManualTrigger => 'manual' in t;

/** Field API name → json-logic over the triggering record. */
export type ActionValues = Record<string, unknown>;

/** Who an e-mail action writes to: an address, an email field of the record, or its owner. */
export type Recipient = { address: string } | { field: string } | { owner: true };

export type WorkflowAction =
  | { type: 'updateRecord'; values: ActionValues }
  | { type: 'createRecord'; object: string; values: ActionValues }
  | { type: 'webhook'; url: string; secret: string }
  | { type: 'email'; to: Recipient[]; subject: string; body: string; html?: string }
  | { type: 'wait'; for: string }
  | { type: 'notify'; to: Audience[]; title: string; body?: string }
  | { type: 'updateRelated'; parent: string; values: ActionValues }
  | { type: 'updateRelated'; children: { object: string; lookup: string }; filter?: unknown; values: ActionValues }
  | { type: 'startApproval'; process?: string; comment?: string };

/** Who a notification goes to. */
export type Audience =
  { user: string } | { role: string } | { group: string } | { owner: true } | { ownerManager: true };

export interface WorkflowDef {
  id: string;
  apiName: string;
  label: Label;
  description?: string;
  object: string;
  active?: boolean;
  trigger: WorkflowTrigger;
  condition?: unknown;
  actions: WorkflowAction[];
  runAs?: 'triggeringUser' | 'system';
}

/** Who decides a step of an approval. */
export type Approver =
  { user: string } | { role: string } | { group: string } | { submitterManager: true } | { owner: true };

export interface ApprovalStepDef {
  name: string;
  label?: Label;
  approver: Approver;
  mode?: 'first' | 'unanimous';
  condition?: unknown;
}

/** How records of one object are approved (approval-process.schema.json). */
export interface ApprovalProcessDef {
  id: string;
  apiName: string;
  label: Label;
  description?: string;
  object: string;
  active?: boolean;
  entryCondition?: unknown;
  steps: ApprovalStepDef[];
  onSubmit?: WorkflowAction[];
  onApprove?: WorkflowAction[];
  onReject?: WorkflowAction[];
  onRecall?: WorkflowAction[];
}
