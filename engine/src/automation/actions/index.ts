import type { ActionTable } from './action.js';
import { createRecord } from './create-record.js';
import { email } from './email.js';
import { notify } from './notify.js';
import { updateRecord } from './update-record.js';
import { startApproval } from './start-approval.js';
import { updateRelated } from './update-related.js';
import { wait } from './wait.js';
import { webhook } from './webhook.js';

/** Every kind of action, one module each; a kind added to WorkflowAction fails to compile here until it is. */
export const ACTIONS: ActionTable = {
  updateRecord,
  createRecord,
  webhook,
  email,
  wait,
  notify,
  updateRelated,
  startApproval,
};
