/**
 * Merge fields in an email action's subject and body: `{{ name }}`, `{{ deal.close_date }}`.
 *
 * The template is an admin's text and is trusted; the values are record data and are not. So a
 * merge only ever reads own properties of plain objects along a path of identifiers (nothing
 * inherited, and never a segment named `__proto__`, `constructor` or `prototype`: those are
 * empty), runs no code, and in html mode escapes every value it puts in. One pass: a value that
 * itself holds `{{…}}` stays that text.
 */

export type MergeMode = 'text' | 'html';

// A field between double braces, spaces allowed around it. What sits inside is checked against
// PATH; a `{{…}}` that is no path stays in the output as written.
const MERGE_FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
// No field may have these names (metadata/identifiers.ts); they stay empty even as own keys, which
// JSON.parse makes of a `"__proto__"` inside a json field's value.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function mergeTemplate(template: string, values: Record<string, unknown>, mode: MergeMode): string {
  return template.replace(MERGE_FIELD, (field, path: string) => {
    if (!PATH.test(path)) return field;
    const text = display(resolve(values, path.split('.')));
    return mode === 'html' ? escapeHtml(text) : text;
  });
}

/** The paths a template names, each once, in order of first use: what a save-time check looks up. */
export function templateFields(template: string): string[] {
  const paths = [...template.matchAll(MERGE_FIELD)].map((m) => m[1] ?? '').filter((p) => PATH.test(p));
  return [...new Set(paths)];
}

// Plain objects only: a lookup arrives as one; a Date, an array or a string has no fields a
// template may reach (`{{tags.length}}` is empty, not a count).
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function resolve(values: Record<string, unknown>, segments: string[]): unknown {
  let current: unknown = values;
  for (const segment of segments) {
    if (PROTOTYPE_KEYS.has(segment) || !isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Array.isArray(value))
    return value
      .map(display)
      .filter((item) => item !== '')
      .join(', ');
  // A lookup shows as its record's name; any other object would print as JSON or
  // "[object Object]", neither of which belongs in a letter.
  if (isPlainObject(value) && Object.hasOwn(value, 'name')) return display(value.name);
  return '';
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
