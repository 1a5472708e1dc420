import type { FieldError } from '../errors.js';
import { dashboardErrors, normalizeDashboard } from './dashboard-items.js';
import { newItemId } from '../lib/ids.js';
import { normalizeLayout, normalizeListView } from './normalize.js';
import type { SchemaName } from './schemas.js';
import { permissionSetErrors, roleErrors, type SecurityContext } from './security-items.js';
import type { ItemKind, MetadataSnapshot } from './types.js';
import { nameErrors, schemaErrors } from './shape-checks.js';
import { validateLayout, validateListView } from './view-items.js';
import { approvalProcessErrors, normalizeApprovalProcess } from './approval-items.js';
import { normalizeWorkflow, workflowErrors } from './workflow-items.js';

/**
 * The metadata kinds other than objects, in one table: where their API lives, which key of a
 * snapshot holds them, their JSON Schema and the checks that span items. The draft store, the
 * metadata router, publish validation and the diff all read this table, so a new kind is one
 * entry here (plus its schema and types).
 */

export interface MetaItem {
  id: string;
  apiName: string;
  object?: string;
}

export type ItemKey =
  'layouts' | 'listViews' | 'dashboards' | 'roles' | 'groups' | 'permissionSets' | 'workflows' | 'approvalProcesses';

export interface ItemSpec {
  kind: ItemKind;
  /** URL segment under /api/v1/meta. */
  path: string;
  key: ItemKey;
  schema: SchemaName;
  /** Gives a submitted item (and its parts) ids, keeping those of the item it replaces. */
  normalize(input: MetaItem, existing?: MetaItem): MetaItem;
  /** Checks beyond the schema and the name, against the rest of the metadata. */
  check(item: MetaItem, ctx: SecurityContext): FieldError[];
}

const withId =
  (prefix: 'role' | 'grp' | 'ps') =>
  (input: MetaItem, existing?: MetaItem): MetaItem => {
    const item = structuredClone(input);
    item.id ??= existing?.id ?? newItemId(prefix);
    return item;
  };

const objectsMap = (ctx: SecurityContext) => ctx.objects as Map<string, never>;

export const ITEM_KINDS: Record<ItemKind, ItemSpec> = {
  layout: {
    kind: 'layout',
    path: 'layouts',
    key: 'layouts',
    schema: 'layout',
    normalize: (i, e) => normalizeLayout(i as never, e as never),
    check: (i, ctx) => validateLayout(i as never, objectsMap(ctx), ctx.roles),
  },
  listView: {
    kind: 'listView',
    path: 'list-views',
    key: 'listViews',
    schema: 'list-view',
    normalize: (i, e) => normalizeListView(i as never, e as never),
    check: (i, ctx) => validateListView(i as never, objectsMap(ctx), ctx.checks),
  },
  dashboard: {
    kind: 'dashboard',
    path: 'dashboards',
    key: 'dashboards',
    schema: 'dashboard',
    normalize: (i, e) => normalizeDashboard(i as never, e as never),
    check: (i, ctx) => dashboardErrors(i as never, ctx.objects, ctx.checks),
  },
  role: {
    kind: 'role',
    path: 'roles',
    key: 'roles',
    schema: 'role',
    normalize: withId('role'),
    check: (i, ctx) => roleErrors(i as never, ctx),
  },
  group: { kind: 'group', path: 'groups', key: 'groups', schema: 'group', normalize: withId('grp'), check: () => [] },
  permissionSet: {
    kind: 'permissionSet',
    path: 'permission-sets',
    key: 'permissionSets',
    schema: 'permission-set',
    normalize: withId('ps'),
    check: (i, ctx) => permissionSetErrors(i as never, ctx),
  },
  workflow: {
    kind: 'workflow',
    path: 'workflows',
    key: 'workflows',
    schema: 'workflow',
    normalize: (i, e) => normalizeWorkflow(i as never, e as never),
    check: (i, ctx) => workflowErrors(i as never, ctx),
  },
  approvalProcess: {
    kind: 'approvalProcess',
    path: 'approval-processes',
    key: 'approvalProcesses',
    schema: 'approval-process',
    normalize: (i, e) => normalizeApprovalProcess(i as never, e as never),
    check: (i, ctx) => approvalProcessErrors(i as never, ctx),
  },
};

export const ITEM_SPECS: readonly ItemSpec[] = Object.values(ITEM_KINDS);

export const itemsOf = (snapshot: MetadataSnapshot, kind: ItemKind): MetaItem[] => snapshot[ITEM_KINDS[kind].key] ?? [];

/** Schema, name and cross-item checks of one item. */
export function validateItem(kind: ItemKind, item: MetaItem, ctx: SecurityContext): FieldError[] {
  const spec = ITEM_KINDS[kind];
  const shape = schemaErrors(spec.schema, item);
  if (shape.length) return shape;
  const named = nameErrors('/apiName', item.apiName);
  return [...named, ...spec.check(item, ctx)];
}
