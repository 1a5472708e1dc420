import { Router, type Request, type Response } from 'express';
import { badRequest, notFound, Problem } from '../errors.js';
import { unzipFiles, zipFiles } from '../lib/zip.js';
import { MAX_FILE_BYTES } from '../metadata/config-files.js';
import type { ConfigSource } from '../metadata/config.service.js';
import type { MetadataService } from '../metadata/metadata.service.js';
import type { PublishResult } from '../metadata/publish.js';
import { etagOf, parseIfMatch } from '../metadata/draft-tags.js';
import { ITEM_SPECS, type MetaItem } from '../metadata/kinds.js';
import { shortHash } from '../lib/ids.js';
import { FIELD_TYPE_CATALOG } from '../metadata/field-type-catalog.js';
import type { ObjectDef } from '../metadata/types.js';
import { forbidden, type Access } from '../security/access.js';
import type { IndexAdvisor } from '../records/index-advisor.js';
import type { UsersService } from '../security/users.service.js';
import { accessKey, runtimeViewFor } from '../views/visible-metadata.js';
import { accessOf, type AuthedRequest } from './context.js';
import { importAuthorizer } from './meta-import-guard.js';

export const flag = (req: Request, name: string): boolean => {
  const fromQuery = req.query[name];
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
  return fromQuery === 'true' || fromQuery === '1' || fromBody === true;
};

function releaseNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw badRequest('a release number is a positive whole number', [
      { field: 'n', code: 'type', message: 'expected 1, 2, 3…' },
    ]);
  return n;
}

/** A copy with every `secret` (webhook signing keys, inbound URL secrets) hidden, however deep. */
function withoutSecrets<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === 'secret' && typeof v === 'string' ? '(hidden)' : v,
  ) as T;
}

export function metaRouter(metadata: MetadataService, users?: UsersService, indexes?: IndexAdvisor): Router {
  const router = Router();
  const { edits } = metadata;

  // What a role's users may read and edit of an object's fields: the studio's "preview as role".
  if (users)
    router.get('/roles/:apiName/field-access', async (req, res) => {
      const name = typeof req.query.object === 'string' ? req.query.object : undefined;
      const object = name ? await edits.get('object', name) : undefined;
      if (name && !object) throw notFoundItem('object', name);
      res.json(await users.roleFieldAccess(req.params.apiName, name, object?.fields.map((f) => f.apiName) ?? []));
    });

  // The current release as the runtime UI draws it (the draft endpoints below are for admins).
  // The release number is its ETag: a page load revalidates and usually gets a 304.
  router.get('/runtime', (req, res) => {
    const access = accessOf(req);
    const view = runtimeViewFor(metadata.compiled, access);
    // The grants are part of the tag: a user given more sees it on the next load.
    res
      .set('ETag', `"release-${view.release}-${shortHash(accessKey(access), 10)}"`)
      .set('Cache-Control', 'private, no-cache');
    if (req.fresh) return void res.status(304).end();
    res.json(view);
  });

  router.get('/used-by', async (req, res) => {
    res.json(await metadata.usedBy(req.query.object, req.query.field));
  });
  // The indexes of an object's table, and the list shapes the advisor has seen (records/index-advisor.ts).
  if (indexes)
    router.get('/objects/:apiName/indexes', async (req, res) => {
      const object = metadata.compiled.objects.get(req.params.apiName);
      if (!object) throw notFound(`object "${req.params.apiName}" is not published`);
      res.set('Cache-Control', 'no-store').json(await indexes.report(object));
    });
  router.get('/record-counts', async (_req, res) => {
    res.json({ data: await metadata.recordCounts() });
  });
  router.get('/field-types', (_req, res) => {
    // The same for every release and tenant: the registry is code.
    res.set('Cache-Control', 'private, max-age=300').json({ data: FIELD_TYPE_CATALOG });
  });

  // The planner's verdict on a proposed object definition, before saving it (the studio's field drawer).
  router.post('/objects/:apiName/plan', async (req, res) => {
    const ifMatch = parseIfMatch(req.get('If-Match'));
    res.json(await metadata.planObject(req.body as ObjectDef, req.params.apiName, ifMatch));
  });

  // The draft, item by item. Each item answers its ETag; PUT and DELETE honour If-Match (412 when stale).
  for (const { path, kind } of [{ path: 'objects', kind: 'object' as const }, ...ITEM_SPECS]) {
    router.get(`/${path}`, async (req, res) => {
      const items: MetaItem[] = await edits.list(kind);
      const object = typeof req.query.object === 'string' ? req.query.object : undefined;
      res.json({ data: object ? items.filter((i) => i.object === object) : items });
    });
    router.post(`/${path}`, async (req, res) => {
      const saved =
        kind === 'object'
          ? await edits.saveObject(req.body as ObjectDef)
          : await edits.saveItem(kind, req.body as MetaItem);
      res.status(201).set('ETag', etagOf(saved.tag)).json(saved.item);
    });
    router.get(`/${path}/:apiName`, async (req, res) => {
      const found = await edits.getTagged(kind, req.params.apiName);
      if (!found) throw notFoundItem(kind, req.params.apiName);
      res.set('ETag', etagOf(found.tag)).json(found.item);
    });
    router.put(`/${path}/:apiName`, async (req, res) => {
      const ifMatch = parseIfMatch(req.get('If-Match'));
      const saved =
        kind === 'object'
          ? await edits.saveObject(req.body as ObjectDef, req.params.apiName, ifMatch)
          : await edits.saveItem(kind, req.body as MetaItem, req.params.apiName, ifMatch);
      res.set('ETag', etagOf(saved.tag)).json(saved.item);
    });
    router.delete(`/${path}/:apiName`, async (req, res) => {
      const ifMatch = parseIfMatch(req.get('If-Match'));
      if (kind === 'object') await edits.deleteObject(req.params.apiName, ifMatch);
      else await edits.deleteItem(kind, req.params.apiName, ifMatch);
      res.status(204).end();
    });
  }

  router.get('/draft/changes', async (_req, res) => {
    res.json(await metadata.draftChanges());
  });
  router.post('/draft/discard', async (_req, res) => {
    res.json(await metadata.publisher.discardDraft());
  });
  router.get('/draft/history', async (_req, res) => {
    res.json(await metadata.draftHistory());
  });
  for (const direction of ['undo', 'redo'] as const) {
    // A replay saves items again: each passes the checks its own save would (meta-import-guard.ts).
    router.post(`/draft/${direction}`, async (req, res) => {
      res.json(
        await metadata.undoOrRedo(
          direction,
          importAuthorizer(accessOf(req), () => metadata.compiled),
        ),
      );
    });
  }

  // If-Match: the ETag of the dry run whose plan the admin read; 412 when the draft moved since.
  router.post('/publish', async (req, res) => {
    const result = await metadata.publish({
      dryRun: flag(req, 'dryRun'),
      confirmLossy: flag(req, 'confirmLossy'),
      userId: (req as AuthedRequest).signedIn?.user.id,
      ifMatch: parseIfMatch(req.get('If-Match')),
    });
    sendPublished(res, result);
  });
  router.get('/releases', async (_req, res) => {
    res.json({ data: await metadata.publisher.list() });
  });
  router.get('/releases/:n', async (req, res) => {
    const release = await metadata.publisher.get(releaseNumber(req.params.n));
    // A user manager reads releases for their roles and permission sets, not workflows' secrets.
    res.json(accessOf(req).hasSystem('manageMetadata') ? release : withoutSecrets(release));
  });
  router.post('/releases/:n/rollback', async (req, res) => {
    const n = releaseNumber(req.params.n);
    await refuseSecurityRollback(metadata, n, accessOf(req));
    const result = await metadata.rollback(n, {
      dryRun: flag(req, 'dryRun'),
      confirmLossy: flag(req, 'confirmLossy'),
      userId: (req as AuthedRequest).signedIn?.user.id,
      ifMatch: parseIfMatch(req.get('If-Match')),
    });
    sendPublished(res, result);
  });

  // The configuration as files (metadata/config-files.ts) in a zip, and such a zip into the draft.
  router.get('/export', async (req, res) => {
    const files = await metadata.configFiles.exportFiles(configSource(req));
    res
      .set('Content-Type', 'application/zip')
      .set('Content-Disposition', 'attachment; filename="tessera-config.zip"')
      .send(Buffer.from(zipFiles(files)));
  });
  router.post('/import', async (req, res) => {
    if (!Buffer.isBuffer(req.body))
      throw new Problem('unsupported-media-type', 'send the zip of a configuration export as application/zip', [
        { field: 'content-type', code: 'type', message: 'must be application/zip' },
      ]);
    const files = unzipFiles(new Uint8Array(req.body), IMPORT_LIMITS);
    const result = await metadata.configFiles.importFiles(files, {
      publish: flag(req, 'publish'),
      confirmLossy: flag(req, 'confirmLossy'),
      userId: (req as AuthedRequest).signedIn?.user.id,
      authorize: importAuthorizer(accessOf(req), () => metadata.compiled),
    });
    res.status(result.dryRun ? 200 : 201).json(withoutSteps(result));
  });

  router.get('/archive', async (_req, res) => {
    res.json({ data: await metadata.listArchive() });
  });
  router.post('/archive/:n/restore', async (req, res) => {
    res.json(await metadata.restoreArchived(releaseNumber(req.params.n)));
  });
  return router;
}

/**
 * A rollback publishes an old release's roles, groups and permission sets with the metadata, past
 * the checks that saving them has (manageUsers, only grants one holds): a metadata manager could
 * undo the revocation of their own grants. Such a rollback is an admin's to make.
 */
async function refuseSecurityRollback(metadata: MetadataService, n: number, access: Access): Promise<void> {
  if (access.isAdmin) return;
  const target = (await metadata.publisher.get(n)).snapshot;
  const current = metadata.compiled.snapshot;
  const changes = (['roles', 'groups', 'permissionSets'] as const).some(
    (key) => JSON.stringify(target[key] ?? []) !== JSON.stringify(current[key] ?? []),
  );
  if (changes)
    throw forbidden(
      `release ${n} has other roles, groups or permission sets than the current one; only an admin rolls back to it`,
      'n',
      'securityRollback',
      'ask an admin, or change the metadata and publish',
    );
}

/** What an unpacked import may come to: a file as large as one save takes, and 64 MB in all. */
const IMPORT_LIMITS = { maxFileBytes: MAX_FILE_BYTES, maxTotalBytes: 64 * 1024 * 1024, maxEntries: 20_000 };

/** `?release=n`, `?current=true`, or the draft. */
function configSource(req: Request): ConfigSource {
  if (typeof req.query.release === 'string') return releaseNumber(req.query.release);
  return flag(req, 'current') ? 'current' : 'draft';
}

/** A publish's or rollback's answer; a dry run's plan tag is its ETag, to send back as If-Match. */
function sendPublished(res: Response, result: PublishResult) {
  if (result.dryRun && result.planTag) res.set('ETag', result.planTag);
  res.status(result.dryRun ? 200 : 201).json(withoutSteps(result));
}

export function withoutSteps<T extends { plan: { step: unknown }[] }>(result: T) {
  return { ...result, plan: result.plan.map(({ step: _s, ...entry }) => entry) };
}

const notFoundItem = (kind: string, name: string) => notFound(`${kind} "${name}" does not exist`);
