import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, snapshot, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Issue 13 point 8: a publish or rollback applies the plan the admin read. The dry run answers
 * the plan's tag (ETag and `planTag`); sent back as If-Match, a draft edited or a release made
 * since is refused with 412 and nothing is published. Without If-Match, as before.
 */

let t: TestEngine;
/** The other admin, editing the same draft. */
let other: TestUser;
beforeAll(async () => {
  t = await startTestEngine();
  other = await createUser(t, { name: 'Other admin', isAdmin: true });
});
afterAll(() => t?.close());

const ticket = (fields: unknown[]) => ({
  apiName: 'ticket',
  label: 'Ticket',
  pluralLabel: 'Tickets',
  nameField: 'name',
  fields: [{ apiName: 'name', type: 'text', label: 'Name', required: true }, ...fields],
});

/** What publishing writes: the releases and the draft, to compare before and after a refusal. */
const stored = async () => ({ releases: await snapshot(t, '_meta_releases'), draft: await snapshot(t, '_meta_draft') });
const currentRelease = async () => (await t.api('GET', '/api/v1/meta/releases')).body.data[0].n as number;
const ticketColumns = async () =>
  (
    await t.sql<{ column_name: string }>(
      "select column_name from information_schema.columns where table_schema = ? and table_name = 'ticket'",
      [t.schema],
    )
  ).map((r) => r.column_name);

/** A dry run: its status, plan and tag, the ETag header and body agreeing. */
async function dryRun(path: string) {
  const res = await t.api('POST', `${path}?dryRun=true`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const tag = res.headers.get('etag');
  expect(tag).toMatch(/^"[a-z0-9-]+"$/);
  expect(res.body.planTag).toBe(tag);
  return { tag: tag!, plan: res.body.plan as { op: string; lossy: boolean; column?: string }[] };
}

/** The other admin changes the draft: removes `field` from the ticket object. */
async function otherRemoves(field: string) {
  const read = await other.api('GET', '/api/v1/meta/objects/ticket');
  const fields = read.body.fields.filter((f: { apiName: string }) => f.apiName !== field);
  const saved = await other.api(
    'PUT',
    '/api/v1/meta/objects/ticket',
    { ...read.body, fields },
    { 'if-match': read.headers.get('etag')! },
  );
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

describe('publish with the tag of the plan read', () => {
  beforeAll(async () => {
    const made = await t.api(
      'POST',
      '/api/v1/meta/objects',
      ticket([
        { apiName: 'notes', type: 'text', label: 'Notes' },
        { apiName: 'severity', type: 'text', label: 'Severity' },
      ]),
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const record = await t.api('POST', '/api/v1/records/ticket', { name: 'Printer', notes: 'jams', severity: 'high' });
    expect(record.status, JSON.stringify(record.body)).toBe(201);
  });

  it('answers the same tag for the same draft and release, and another once the draft changes', async () => {
    const read = await t.api('GET', '/api/v1/meta/objects/ticket');
    await t.api('PUT', '/api/v1/meta/objects/ticket', { ...read.body, description: 'Help desk tickets' });
    const first = await dryRun('/api/v1/meta/publish');
    expect((await dryRun('/api/v1/meta/publish')).tag).toBe(first.tag);
    await t.api('PUT', '/api/v1/meta/objects/ticket', { ...read.body, description: 'Support tickets' });
    expect((await dryRun('/api/v1/meta/publish')).tag).not.toBe(first.tag);
  });

  it('refuses the publish of a plan another admin changed since, lossy steps and all: 412, nothing published', async () => {
    const mine = await dryRun('/api/v1/meta/publish');
    expect(mine.plan.some((s) => s.lossy)).toBe(false);
    await otherRemoves('notes');
    const before = await stored();
    const release = await currentRelease();

    // Even with confirmLossy: the yes was given to a plan that archived nothing.
    const stale = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true }, { 'if-match': mine.tag });
    expectProblem(stale, 412, [{ field: 'If-Match', code: 'stale' }]);
    expect(stale.body.type).toMatch(/stale-version$/);
    expect(await stored()).toEqual(before);
    expect(await currentRelease()).toBe(release);
    expect(await ticketColumns()).toContain('notes');

    const fresh = await dryRun('/api/v1/meta/publish');
    expect(fresh.tag).not.toBe(mine.tag);
    expect(fresh.plan).toContainEqual(expect.objectContaining({ op: 'archiveColumn', column: 'notes', lossy: true }));
    const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true }, { 'if-match': fresh.tag });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.release).toBe(release + 1);
    expect(await ticketColumns()).not.toContain('notes');
  });

  it('refuses a plan drawn before another admin published, though the draft reads the same', async () => {
    const read = await t.api('GET', '/api/v1/meta/objects/ticket');
    await t.api('PUT', '/api/v1/meta/objects/ticket', { ...read.body, description: 'Tickets of the help desk' });
    const mine = await dryRun('/api/v1/meta/publish');
    const theirs = await other.api('POST', '/api/v1/meta/publish');
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    const before = await stored();
    expectProblem(await t.api('POST', '/api/v1/meta/publish', {}, { 'if-match': mine.tag }), 412, [
      { field: 'If-Match', code: 'stale' },
    ]);
    expect(await stored()).toEqual(before);
  });

  it('refuses a malformed If-Match with 400, publishes with * or without one as before', async () => {
    await otherRemoves('severity');
    const before = await stored();
    expectProblem(await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true }, { 'if-match': 'plan' }), 400, [
      { field: 'If-Match', code: 'format' },
    ]);
    expect(await stored()).toEqual(before);
    const release = await currentRelease();
    const untagged = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(untagged.status, JSON.stringify(untagged.body)).toBe(201);
    expect(untagged.body.release).toBe(release + 1);
    expect(await ticketColumns()).not.toContain('severity');

    const read = await t.api('GET', '/api/v1/meta/objects/ticket');
    await t.api('PUT', '/api/v1/meta/objects/ticket', { ...read.body, description: 'Any tag will do' });
    const any = await t.api('POST', '/api/v1/meta/publish', {}, { 'if-match': '*' });
    expect(any.status, JSON.stringify(any.body)).toBe(201);
    expect(any.body.release).toBe(release + 2);
  });
});

describe('rollback with the tag of the plan read', () => {
  it('refuses a rollback planned before another admin published: 412, nothing rolled back; the fresh tag rolls back', async () => {
    const target = await currentRelease();
    const read = await t.api('GET', '/api/v1/meta/objects/ticket');
    const fields = [...read.body.fields, { apiName: 'channel', type: 'text', label: 'Channel' }];
    expect((await t.api('PUT', '/api/v1/meta/objects/ticket', { ...read.body, fields })).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);

    const path = `/api/v1/meta/releases/${target}/rollback`;
    const mine = await dryRun(path);
    expect(mine.plan).toContainEqual(expect.objectContaining({ op: 'archiveColumn', column: 'channel' }));
    // The other admin publishes meanwhile: the rollback would now undo their release too.
    const again = await other.api('GET', '/api/v1/meta/objects/ticket');
    await other.api('PUT', '/api/v1/meta/objects/ticket', { ...again.body, description: 'Published by the other' });
    expect((await other.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const release = await currentRelease();
    const before = await stored();

    const stale = await t.api('POST', path, { confirmLossy: true }, { 'if-match': mine.tag });
    expectProblem(stale, 412, [{ field: 'If-Match', code: 'stale' }]);
    expect(await stored()).toEqual(before);
    expect(await currentRelease()).toBe(release);
    expect(await ticketColumns()).toContain('channel');

    const fresh = await dryRun(path);
    expect(fresh.tag).not.toBe(mine.tag);
    const rolledBack = await t.api('POST', path, { confirmLossy: true }, { 'if-match': fresh.tag });
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(201);
    expect(rolledBack.body.release).toBe(release + 1);
    const [latest] = (await t.api('GET', '/api/v1/meta/releases')).body.data;
    expect(latest).toMatchObject({ n: release + 1, kind: 'rollback', sourceRelease: target });
    expect(await ticketColumns()).not.toContain('channel');
  });

  it('rolls back without a tag as before', async () => {
    const release = await currentRelease();
    const res = await t.api('POST', `/api/v1/meta/releases/${release - 1}/rollback`, { confirmLossy: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.release).toBe(release + 1);
  });
});
