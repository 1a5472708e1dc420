import { requestJson } from './http';

/** What one user may do with one object; absent means the engine does not say (admin, or before #4). */
export interface ObjectPermission {
  read: boolean;
  create: boolean;
  edit: boolean;
  delete: boolean;
}
export interface FieldPermission {
  read: boolean;
  edit: boolean;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** API name of the user's role, if any. */
  role?: string | null;
  /** Objects the user may read or create (others are absent); per object, its fields. */
  permissions?: {
    objects?: Record<string, ObjectPermission>;
    fields?: Record<string, Record<string, FieldPermission>>;
    system?: string[];
  };
}

export const login = (email: string, password: string) =>
  requestJson<{ expiresAt: string; user: SessionUser }>('/auth/login', { method: 'POST', body: { email, password } });

export const logout = () => requestJson<void>('/auth/logout', { method: 'POST' });

export const fetchMe = () => requestJson<SessionUser>('/auth/me');
