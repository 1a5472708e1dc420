/**
 * What changing a column from one Postgres type to another means for the data in it.
 *  - widen:   every value fits the new type unchanged (varchar(50) → varchar(100)): safe.
 *  - narrow:  same family, some values may not fit or may be rounded (numeric(18,2) → (10,0)).
 *  - convert: another family (text → numeric); values that do not parse are lost.
 *  - refuse:  no sensible conversion (uuid → date); the admin must add a new field instead.
 * Narrow and convert are lossy when a row would change; the planner counts those rows.
 */
export type TypeChange = 'same' | 'widen' | 'narrow' | 'convert' | 'refuse';

interface ParsedType {
  family: 'string' | 'number' | 'temporal' | 'boolean' | 'time' | 'uuid' | 'json' | 'array';
  base: string;
  a?: number;
  b?: number;
}

export function parseType(sqlType: string): ParsedType {
  const m = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?(\[\])?$/.exec(sqlType);
  if (!m) throw new Error(`unexpected column type ${sqlType}`);
  const base = m[1]!;
  const a = m[2] === undefined ? undefined : Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  if (m[4]) return { family: 'array', base };
  if (base === 'character varying' || base === 'character' || base === 'text') return { family: 'string', base, a };
  if (base === 'numeric' || base === 'integer' || base === 'double precision' || base === 'bigint')
    return { family: 'number', base, a, b };
  if (base === 'date' || base === 'timestamp with time zone') return { family: 'temporal', base };
  if (base === 'time without time zone') return { family: 'time', base };
  if (base === 'boolean') return { family: 'boolean', base };
  if (base === 'uuid') return { family: 'uuid', base };
  if (base === 'jsonb') return { family: 'json', base };
  throw new Error(`unexpected column type ${sqlType}`);
}

/** Integer digits a numeric type can hold; undefined means unbounded for our purposes. */
function integerDigits(t: ParsedType): number | undefined {
  if (t.base === 'integer') return 10;
  if (t.base === 'bigint') return 19;
  if (t.base === 'numeric') return t.a === undefined ? undefined : t.a - (t.b ?? 0);
  return undefined;
}
function scaleOf(t: ParsedType): number | undefined {
  if (t.base === 'integer' || t.base === 'bigint') return 0;
  if (t.base === 'numeric') return t.a === undefined ? undefined : (t.b ?? 0);
  return undefined; // double precision: inexact
}

export function classifyTypeChange(from: string, to: string): TypeChange {
  if (from === to) return 'same';
  const f = parseType(from);
  const t = parseType(to);
  if (t.family === 'string') {
    if (t.a === undefined) return f.family === 'array' ? 'refuse' : 'widen';
    if (f.family === 'string') return f.a !== undefined && f.a <= t.a ? 'widen' : 'narrow';
    return f.family === 'array' ? 'refuse' : 'convert';
  }
  if (f.family === 'string') {
    return ['number', 'temporal', 'time', 'boolean'].includes(t.family) ? 'convert' : 'refuse';
  }
  if (f.family === 'number' && t.family === 'number') {
    if (t.base === 'double precision') return 'widen';
    const fi = integerDigits(f);
    const ti = integerDigits(t);
    const fs = scaleOf(f);
    const ts = scaleOf(t);
    if (fi !== undefined && ti !== undefined && fs !== undefined && ts !== undefined && ti >= fi && ts >= fs)
      return 'widen';
    return 'narrow';
  }
  if (f.family === 'temporal' && t.family === 'temporal') return f.base === 'date' ? 'widen' : 'narrow';
  return 'refuse';
}
