import type { SessionUser } from '../api/auth.api';
import type {
  DashboardMeta,
  FieldMeta,
  LayoutMeta,
  ListViewMeta,
  ManualWorkflowMeta,
  ObjectMeta,
  RuntimeMetadata,
} from '../api/metadata.api';

/**
 * The published metadata indexed for the screens, trimmed to what the user may see: objects
 * they cannot read disappear, fields they cannot read disappear, fields they cannot edit become
 * read-only. Built once per metadata release and user; screens only read it.
 */
export class MetadataIndex {
  readonly objects: ObjectMeta[];
  private readonly byName: Map<string, ObjectMeta>;
  private readonly fieldMaps = new Map<string, Map<string, FieldMeta>>();

  constructor(
    readonly raw: RuntimeMetadata,
    private readonly user: SessionUser | undefined,
  ) {
    const objectPerms = user?.permissions?.objects;
    const fieldPerms = user?.permissions?.fields;
    // /auth/me lists only the objects the user may read or create; without permissions (an
    // engine that does not say) everything is shown and the engine still refuses what it must.
    this.objects = raw.objects
      .filter((o) => !objectPerms || objectPerms[o.apiName]?.read === true)
      .map((o) => ({
        ...o,
        fields: o.fields
          .filter((f) => fieldPerms?.[o.apiName]?.[f.apiName]?.read !== false)
          .map((f) => (fieldPerms?.[o.apiName]?.[f.apiName]?.edit === false ? { ...f, readOnly: true } : f)),
      }));
    this.byName = new Map(this.objects.map((o) => [o.apiName, o]));
    for (const o of this.objects) this.fieldMaps.set(o.apiName, new Map(o.fields.map((f) => [f.apiName, f])));
  }

  object(apiName: string): ObjectMeta | undefined {
    return this.byName.get(apiName);
  }

  field(object: string, apiName: string): FieldMeta | undefined {
    return this.fieldMaps.get(object)?.get(apiName);
  }

  /** `account.name` on opportunity: the lookup field and the target's field. */
  path(object: string, path: string): { field: FieldMeta; through?: FieldMeta } | undefined {
    const [head, tail] = path.split('.');
    const first = this.field(object, head!);
    if (!first) return undefined;
    if (tail === undefined) return { field: first };
    const target = first.target ? this.field(first.target, tail) : undefined;
    return target ? { field: target, through: first } : undefined;
  }

  can(object: string, action: 'read' | 'create' | 'edit' | 'delete'): boolean {
    if (!this.byName.has(object)) return false;
    const grants = this.user?.permissions?.objects;
    return grants ? grants[object]?.[action] === true : true;
  }

  /**
   * A system permission (importData, exportData …) as /auth/me lists it; without permissions, assumed (the engine
   * enforces it).
   */
  hasSystem(permission: string): boolean {
    const system = this.user?.permissions?.system;
    return system ? system.includes(permission) : true;
  }

  layout(object: string): LayoutMeta | undefined {
    return this.raw.layouts.find((l) => l.object === object);
  }

  listViews(object: string): ListViewMeta[] {
    return this.raw.listViews.filter((v) => v.object === object);
  }

  /** The view a list opens with: the one marked default for the user's role, else the first. */
  defaultListView(object: string): ListViewMeta | undefined {
    const views = this.listViews(object);
    const role = this.user?.role;
    return (role ? views.find((v) => v.defaultFor?.includes(role)) : undefined) ?? views[0];
  }

  /** The manual workflows a user may start on the object's records (buttons on record pages and list rows). */
  manualWorkflows(object: string): ManualWorkflowMeta[] {
    return this.byName.has(object) ? this.raw.actions.filter((a) => a.object === object) : [];
  }

  get dashboards(): DashboardMeta[] {
    return this.raw.dashboards.filter((d) => d.widgets.every((w) => this.byName.has(w.object)));
  }
}
