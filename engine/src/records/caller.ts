import type { SqlFragment } from '../fields/field-type.js';
import type { Access } from '../security/access.js';

/** Which path a change came through, as field history records it. */
export type Via = 'api' | 'ui' | 'bulk' | 'import';

/** Who a read or write is made for: their access, the language their messages come back in, and the path. */
export interface Caller {
  userId: string;
  locale: string;
  access: Access;
  via: Via;
  /**
   * Set when the session is only presumed: a condition the statement doing the work must
   * carry, so that it does nothing unless the session is still exactly what was presumed.
   */
  sessionGuard?: SqlFragment;
}

/** The presumed session did not hold (or the statement cannot carry its check): check it in full and redo. */
export class SessionUnverified extends Error {}
