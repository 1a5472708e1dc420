import { Router } from 'express';
import { badRequest } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { Resolution } from '../packs/merge.js';
import type { PacksService, PackStep } from '../packs/packs.service.js';
import type { SetupAudit } from '../security/setup-audit.js';
import { accessOf } from './context.js';
import { importAuthorizer } from './meta-import-guard.js';
import { flag, withoutSteps } from './meta.router.js';

/**
 * /api/v1/packs: the packs on offer and installed, and each lifecycle step with `?dryRun=true`
 * for its plan. Steps need manageMetadata, and what a pack brings passes the checks a
 * configuration import's items do (roles and permission sets need manageUsers, a workflow
 * running with all access an admin).
 */
export function packsRouter(packs: PacksService, compiled: () => CompiledMetadata, audit: SetupAudit): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    accessOf(req).requireSystem('manageMetadata');
    res.json({ data: await packs.list() });
  });
  for (const step of ['install', 'upgrade', 'uninstall'] as const satisfies readonly PackStep[]) {
    router.post(`/:name/${step}`, async (req, res) => {
      const access = accessOf(req);
      access.requireSystem('manageMetadata');
      const result = await packs[step](req.params.name, {
        dryRun: flag(req, 'dryRun'),
        confirmLossy: flag(req, 'confirmLossy'),
        purge: step === 'uninstall' && flag(req, 'purge'),
        resolutions: resolutionsOf((req.body as { resolutions?: unknown } | undefined)?.resolutions),
        userId: access.userId,
        installer: access.principal,
        authorize: importAuthorizer(access, compiled),
      });
      if (!result.dryRun && result.changed)
        await audit.note(access.userId, `pack.${step}`, result.pack, { from: result.from, to: result.to });
      res.status(result.dryRun || !result.changed ? 200 : 201).json(withoutSteps(result));
    });
  }
  return router;
}

function resolutionsOf(value: unknown): Record<string, Resolution> {
  if (value === undefined) return {};
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === 'keepMine' || v === 'takeTheirs');
  if (!ok)
    throw badRequest('resolutions maps conflict keys to keepMine or takeTheirs', [
      { field: 'resolutions', code: 'enum', message: 'each value is keepMine or takeTheirs' },
    ]);
  return value as Record<string, Resolution>;
}
