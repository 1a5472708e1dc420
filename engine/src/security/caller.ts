import type { CompiledObject } from '../metadata/compile.js';
import type { SessionCheck } from '../query/session-check.js';
import type { Access } from './access.js';

/** Which path a change came through, as field history records it. */
export type Via = 'api' | 'ui' | 'bulk' | 'import' | 'workflow' | 'approval';

/** Who a read or write is made for: their access, the language their messages come back in, and the path. */
export interface Caller {
  userId: string;
  locale: string;
  access: Access;
  via: Via;
  /**
   * Set when the session is only presumed: the check the statement doing the work carries, so
   * that it does nothing unless the session is still exactly what was presumed.
   */
  session?: SessionCheck;
  /** Set once a statement found the presumed session holding: its grants are the user's own. */
  sessionHeld?: boolean;
}

/** The presumed session did not hold, or the work takes more than one statement: check it in full and redo. */
export class SessionUnverified extends Error {}

/**
 * What a statement carrying the session check answered: false, it did nothing (SessionUnverified);
 * true, the grants the caller was presumed to have are theirs, so a refusal that follows stands.
 */
export function sessionAnswered(caller: Caller, held: boolean | undefined): void {
  if (held === false) throw new SessionUnverified();
  if (held) caller.sessionHeld = true;
}

/**
 * The object of a record the caller can see (404 otherwise) and has `need` access to (403): what
 * sharing and access explanations ask of the records layer before they touch a record.
 */
export type RequireRecord = (
  object: string,
  id: string,
  caller: Caller,
  need?: 'edit' | 'full',
) => Promise<CompiledObject>;
