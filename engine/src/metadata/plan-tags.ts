import { Problem } from '../errors.js';
import { shortHash } from '../lib/ids.js';
import { etagOf, type IfMatch } from './draft-tags.js';
import type { MetadataSnapshot } from './types.js';

/**
 * Entity tags of what a publish or a rollback plans, so the publish an admin confirms is the plan
 * they read. A dry run answers the tag; the publish sends it back as If-Match and is refused (412)
 * when the draft or the current release moved meanwhile — another admin's edit, with its lossy
 * steps, is never published unread. `confirmLossy` alone cannot say that: it is a plain yes.
 *
 * A publish's tag hashes the draft as the publish reads it (the snapshot it validates and applies,
 * one statement ordered by kind and name, jsonb's canonical key order) with the current release
 * number, so an edit committed between the check and the read cannot slip past it. A rollback drops
 * the draft, so its tag is the release it goes back to and the current one; releases never change.
 */

export function publishTag(current: number | null, draft: MetadataSnapshot): string {
  return `publish-${current ?? 0}-${shortHash(JSON.stringify(draft), 32)}`;
}

export function rollbackTag(current: number | null, target: number): string {
  return `rollback-${target}-from-${current ?? 0}`;
}

/**
 * 412 unless If-Match is the plan's tag (or `*`, or absent: scripts that never read a plan keep
 * publishing as before). Weak tags never match, as for draft items.
 */
export function requirePlanTag(current: string, ifMatch: IfMatch | undefined): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(etagOf(current))) return;
  throw new Problem(
    'stale-version',
    'the draft or the releases changed since the plan was drawn; nothing was published',
    [
      {
        field: 'If-Match',
        code: 'stale',
        message: 'someone changed the draft or published since your dry run: draw the plan again and read it',
      },
    ],
  );
}
