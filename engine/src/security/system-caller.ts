import type { CompiledMetadata } from '../metadata/compile.js';
import { Access } from './access.js';
import type { Caller, Via } from './caller.js';

/**
 * The engine reading for itself, with all access: which records a schedule covers, the record an
 * approval decides on. Never used to write (writes act as a person: the run's user).
 */

const SYSTEM_USER = '00000000-0000-0000-0000-000000000000';

export function systemCaller(compiled: CompiledMetadata, via: Via): Caller {
  const principal = {
    id: SYSTEM_USER,
    email: 'system',
    name: 'system',
    isAdmin: true,
    role: null,
    permissionSets: [],
    groups: [],
    via: 'session' as const,
  };
  return { userId: SYSTEM_USER, locale: 'en', access: new Access(principal, compiled), via };
}
