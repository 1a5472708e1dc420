import type { RequestHandler } from 'express';
import { Problem } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { PermissionSetDef } from '../metadata/types.js';
import { forbidden, type Access } from '../security/access.js';
import { grantsBeyond } from '../security/grant-check.js';
import type { SetupAudit } from '../security/setup-audit.js';
import { accessOf } from './context.js';
import { logUnexpected } from './request-log.js';

/**
 * In front of /api/v1/meta: everyone signed in may read the published runtime view (the UI
 * draws itself from it); reading the draft and releases, and changing them, needs manageMetadata, and the security
 * kinds (roles, groups, permission sets) need
 * manageUsers. A permission set may grant only what its author holds, and a user manager who is
 * not an admin edits only the roles below their own; an object's sharing needs manageUsers
 * too. Every change that succeeds is written to
 * the setup audit before its answer is sent.
 */

const SECURITY_PATHS = new Set(['roles', 'groups', 'permission-sets']);

export function metaGuard(
  compiled: () => CompiledMetadata,
  audit: SetupAudit,
  draftSharing?: (object: string) => Promise<unknown>,
): RequestHandler {
  return async (req, res, next) => {
    const access = accessOf(req);
    // Routes match without regard to case (/Permission-Sets reaches the permission sets), so must this.
    const [segment = '', name, action] = req.path.toLowerCase().split('/').filter(Boolean);
    // POST /objects/{name}/plan: an object's PUT asked as a question, checked as one, never stored.
    const plan = segment === 'objects' && action === 'plan' && req.method === 'POST';
    if (req.method === 'GET' || req.method === 'HEAD') {
      // Everyone signed in reads the published view the UI draws (trimmed to their grants); the
      // draft, releases and archive (rules, sharing, roles, permission sets) are for those who
      // manage metadata or users.
      if (segment !== 'runtime' && !access.hasSystem('manageMetadata') && !access.hasSystem('manageUsers')) {
        throw forbidden(
          'reading the metadata draft and releases needs manageMetadata or manageUsers',
          segment || 'meta',
          'systemPermission',
          'GET /api/v1/meta/runtime has what the screens need',
        );
      }
      // Workflows hold webhook and inbound secrets: for metadata managers only.
      if ((segment === 'workflows' || segment === 'export') && !access.hasSystem('manageMetadata'))
        throw forbidden(`reading ${segment} needs manageMetadata`, segment, 'systemPermission', 'ask an admin');
      return next();
    }
    access.requireSystem(SECURITY_PATHS.has(segment) ? 'manageUsers' : 'manageMetadata');
    // The rule editor's check and test change nothing: no audit entry for them.
    if (segment === 'rules') return next();
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A workflow acting with all access, or writing as a named user, reaches beyond its author's
    // grants: only an admin saves one (as a permission set grants only what its author holds).
    if (segment === 'workflows' && req.method !== 'DELETE') refuseAutomationGrant(access, body);
    if (segment === 'permission-sets' && req.method !== 'DELETE') {
      const errors = grantsBeyond(access, body as unknown as PermissionSetDef, compiled());
      if (errors.length)
        throw new Problem('forbidden', 'a permission set can grant only what you hold; nothing was saved', errors);
    }
    // An object's sharing (org-wide default, criteria rules) decides who sees its records: a
    // security setting, so changing it needs manageUsers like the other security metadata.
    if (segment === 'objects' && req.method !== 'DELETE' && !access.hasSystem('manageUsers') && draftSharing) {
      const current = (req.method === 'PUT' || plan) && name ? await draftSharing(name) : undefined;
      if (JSON.stringify(body.sharing ?? null) !== JSON.stringify(current ?? null)) {
        throw forbidden(
          "changing who sees an object's records needs the manageUsers permission; nothing was saved",
          'sharing',
          'systemPermission',
          'leave sharing as it is, or ask a user manager',
        );
      }
    }
    if (segment === 'roles' && !access.isAdmin) {
      // A new role (POST of a name no published role has) is not below anyone yet: its parent decides.
      const published = new Set((compiled().snapshot.roles ?? []).map((r) => r.apiName));
      const created =
        req.method === 'POST' && typeof body.apiName === 'string' && !published.has(body.apiName)
          ? body.apiName
          : undefined;
      const touched = [
        name,
        typeof body.apiName === 'string' && body.apiName !== created ? body.apiName : undefined,
      ].filter((r): r is string => r !== undefined);
      refuseRoleChange(access, touched, typeof body.parent === 'string' ? body.parent : undefined);
    }
    // A plan writes nothing: no audit entry, as for the rule editor.
    if (plan) return next();
    // Audit on success, before the answer leaves: a client that sees 2xx finds the entry.
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode >= 400) return end(...args);
      const target = [segment, name].filter(Boolean).join('/') || '/';
      audit
        .note(access.userId, `meta.${req.method.toLowerCase()}`, target, {
          apiName: body.apiName ?? name ?? null,
          status: res.statusCode,
        })
        .then(
          () => end(...args),
          (e: unknown) => {
            logUnexpected(res, e, 'the setup audit entry was not written');
            end(...args);
          },
        );
      return res;
    }) as typeof res.end;
    next();
  };
}

/** A workflow acting with all access or as a named user reaches beyond its author's grants: an admin's to save. */
export function refuseAutomationGrant(access: Access, workflow: Record<string, unknown>, at = ''): void {
  if (access.isAdmin) return;
  const trigger = workflow.trigger as Record<string, unknown> | undefined;
  if (workflow.runAs === 'system' || (trigger && 'inbound' in trigger))
    throw forbidden(
      'only an admin saves a workflow that runs with all access or writes as a named user; nothing was saved',
      at + (workflow.runAs === 'system' ? 'runAs' : 'trigger'),
      'automationGrant',
      'leave runAs as triggeringUser, or ask an admin',
    );
}

/** A user manager who is not an admin changes only the roles below their own, and places roles only there. */
export function refuseRoleChange(
  access: Access,
  touched: readonly string[],
  parent: string | undefined,
  at = '',
): void {
  if (access.isAdmin) return;
  const below = access.subordinateRoles();
  if (
    touched.some((r) => !below.includes(r)) ||
    (parent !== undefined && parent !== access.principal.role && !below.includes(parent))
  ) {
    throw forbidden(
      'you may change only the roles below your own',
      `${at}parent`,
      'roleHierarchy',
      'ask an admin to change roles at or above yours',
    );
  }
}
