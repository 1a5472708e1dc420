import type { Access } from '../security/access.js';

/** Which path a change came through, as field history records it. */
export type Via = 'api' | 'ui' | 'bulk' | 'import';

/** Who a read or write is made for: their access, the language their messages come back in, and the path. */
export interface Caller {
  userId: string;
  locale: string;
  access: Access;
  via: Via;
}
