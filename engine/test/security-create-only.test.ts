import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * A permission set with read and create but not edit: its users fill in the records they create
 * (a field's edit is the right to write it, on create as on update), and may not change them
 * afterwards (that needs the object's edit). A field the set lists as read-only stays unwritable
 * on create too.
 */

const OBJ = 'co_ticket';
let t: TestEngine;
let clerk: TestUser;

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: OBJ,
        label: 'Ticket',
        pluralLabel: 'Tickets',
        nameField: 'subject',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'subject', type: 'text', label: 'Subject', required: true },
          { apiName: 'detail', type: 'text', label: 'Detail' },
          { apiName: 'priority', type: 'text', label: 'Priority' },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'co_clerk',
        label: 'Clerk',
        objects: { [OBJ]: { read: true, create: true } },
        fields: { [`${OBJ}.priority`]: { read: true } },
      },
    ],
  });
  clerk = await createUser(t, { name: 'Clerk', permissionSets: ['co_clerk'] });
});
afterAll(() => t?.close());

describe('a create-only permission set', () => {
  it('creates records with their fields filled in', async () => {
    const made = await clerk.api('POST', `/api/v1/records/${OBJ}`, { subject: 'Printer jam', detail: 'Tray 2' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ subject: 'Printer jam', detail: 'Tray 2' });
  });

  it('may not write a field the set makes read-only, nor change a record afterwards', async () => {
    expectProblem(await clerk.api('POST', `/api/v1/records/${OBJ}`, { subject: 'X', priority: 'high' }), 403, [
      { field: 'priority', code: 'fieldPermission' },
    ]);
    const mine = (await clerk.api('POST', `/api/v1/records/${OBJ}`, { subject: 'Mine' })).body;
    const changed = await clerk.api('PATCH', `/api/v1/records/${OBJ}/${mine.id}`, { detail: 'later' });
    expect(changed.status).toBe(403);
    expect((await t.api('GET', `/api/v1/records/${OBJ}/${mine.id}`)).body.detail ?? null).toBeNull();
  });
});
