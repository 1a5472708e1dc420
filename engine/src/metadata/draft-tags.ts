import { badRequest, Problem } from '../errors.js';

/**
 * Entity tags of draft items, for optimistic concurrency between admins. The tag is the md5 of
 * the stored definition (`definition::text` of jsonb is canonical), computed by the database on
 * every read. No version column: every path that rewrites a definition — a save, the layouts and
 * workflows a rename rewrites, a rollback, an import, a restore — changes the tag without having
 * to remember to, and an item changed and changed back has the tag of what the client read.
 */

/** The select-list entry of an item's tag, over `_meta_draft.definition`: a constant, nothing bound. */
export const TAG_COLUMN = 'md5(definition::text) as tag';

export const etagOf = (tag: string) => `"${tag}"`;

/** `If-Match` as sent: `*` (any current item) or its entity tags, quotes and all. */
export type IfMatch = '*' | readonly string[];

const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e]*"$/;

/** Reads an If-Match header; undefined when absent. A malformed one is a 400 naming the header. */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  const tags = header.split(',').map((t) => t.trim());
  if (tags.some((t) => !ENTITY_TAG.test(t)))
    throw badRequest('If-Match must be the ETag the item was read with', [
      { field: 'If-Match', code: 'format', message: 'expected "<tag>" as the ETag header gave it' },
    ]);
  return tags;
}

/**
 * 412 unless the item's current tag is one of If-Match's. Weak tags never match: If-Match compares
 * strongly (RFC 9110 13.1.1).
 */
export function requireTag(what: string, current: string, ifMatch: IfMatch | undefined): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(etagOf(current))) return;
  throw new Problem('stale-version', `${what} changed in the draft since it was read; nothing was saved`, [
    { field: 'If-Match', code: 'stale', message: 'someone else changed it since you read it: read it again' },
  ]);
}

/** A stored item with its tag. */
export interface Tagged<T> {
  item: T;
  tag: string;
}
