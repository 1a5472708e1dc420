import type { SessionUser } from '@tessera/runtime-ui/api/auth.api';

/** The studio changes metadata: it is for users granted manageMetadata (admins have every grant). */
export const canUseStudio = (user: SessionUser) =>
  user.isAdmin || (user.permissions?.system ?? []).includes('manageMetadata');

/** An object's sharing is a security setting: changing it needs manageUsers too (the engine's meta guard). */
export const canChangeSharing = (user: SessionUser) =>
  user.isAdmin || (user.permissions?.system ?? []).includes('manageUsers');
