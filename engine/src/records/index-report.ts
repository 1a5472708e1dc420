import type { CompiledObject } from '../metadata/compile.js';
import type { IndexAdvisorOptions, Inspected, ShapeState } from './index-advisor.js';

/** GET /api/v1/meta/objects/{o}/indexes. */
export interface IndexReport {
  object: string;
  /** The planner's estimate of the table's rows. */
  rows: number;
  minRows: number;
  perObject: number;
  unusedDays: number;
  data: {
    name: string;
    columns: { field: string; desc: boolean }[];
    /** primary key, unique field, the schema's other indexes, or built for a list view / for use. */
    origin: 'primary' | 'unique' | 'schema' | 'view' | 'usage';
    valid: boolean;
    sizeBytes: number;
    scans: number;
    createdAt?: string;
    lastUsedAt?: string;
    buildMs?: number;
  }[];
  shapes: {
    columns: { field: string; desc: boolean; equal: boolean }[];
    source: 'view' | 'usage';
    requests: number;
    lastUsedAt?: string;
    state: ShapeState;
    index?: string;
  }[];
}

/**
 * An object's indexes as an admin reads them: fields by API name (a composite field's other
 * columns named beside it), where each index came from, and the advisor's verdict on each shape.
 */
export function indexReport(object: CompiledObject, inspected: Inspected, options: IndexAdvisorOptions): IndexReport {
  const { shapes, indexes, own, rows } = inspected;
  const ownByName = new Map(own.map((o) => [o.name, o]));
  const fieldOf = (column: string | null) => {
    if (column === null) return '(expression)';
    for (const f of object.fields.values()) {
      const part = f.columns.indexOf(column);
      if (part === 0) return f.def.apiName;
      if (part > 0) return `${f.def.apiName} (${column})`;
    }
    return column;
  };
  return {
    object: object.def.apiName,
    rows: Math.round(rows),
    minRows: options.minRows,
    perObject: options.perObject,
    unusedDays: options.unusedDays,
    data: indexes.map((i) => {
      const mine = ownByName.get(i.name);
      return {
        name: i.name,
        columns: i.columns.map((c) => ({ field: fieldOf(c.column), desc: c.desc })),
        origin: i.primary ? 'primary' : mine ? (mine.source as 'view' | 'usage') : i.unique ? 'unique' : 'schema',
        valid: i.valid,
        sizeBytes: i.sizeBytes,
        scans: i.scans,
        ...(mine
          ? {
              createdAt: mine.created_at.toISOString(),
              lastUsedAt: mine.last_used.toISOString(),
              ...(mine.build_ms === null ? {} : { buildMs: mine.build_ms }),
            }
          : {}),
      };
    }),
    shapes: shapes.map((v) => ({
      columns: v.shape.keys.map((k, i) => {
        const column = v.columns?.[i]?.column;
        return {
          field: column ? fieldOf(column) : '(removed field)',
          desc: k.desc === true,
          equal: i < v.shape.equal,
        };
      }),
      source: v.source,
      requests: v.requests,
      ...(v.lastUsed ? { lastUsedAt: v.lastUsed.toISOString() } : {}),
      state: v.state,
      ...(v.index ? { index: v.index } : {}),
    })),
  };
}
