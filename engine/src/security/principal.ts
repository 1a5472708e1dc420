/**
 * Who is calling: the user row and its grants, loaded by the same query that checks the session
 * (auth.service.ts), so nothing about a user's rights is ever cached between requests.
 */
export interface Principal {
  id: string;
  email: string;
  name: string;
  /** The superuser: every permission on everything. The first admin is one. */
  isAdmin: boolean;
  role: string | null;
  permissionSets: string[];
  groups: string[];
  /** How the request signed in: a login session (UI cookie or login token) or a named API token. */
  via: 'session' | 'token';
  /** Changes whenever any of the user's grants does (_users.grants_stamp); set on principals read from the database. */
  grantsStamp?: string;
}
