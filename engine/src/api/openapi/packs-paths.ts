import { forbidden, json, problemResponses, ref, type Paths } from './operation.js';

/** The pack lifecycle (packs/packs.service.ts): list, and install, upgrade, uninstall with their plans. */

const label = { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] };

const packEntry = {
  type: 'object',
  required: ['name', 'namespace', 'label', 'dependencies'],
  properties: {
    name: { type: 'string', description: 'Machine name, the folder under plugins/.' },
    namespace: { type: 'string', description: 'Prefix of every id the pack defines.' },
    label,
    description: { type: 'string' },
    available: { type: 'string', description: 'The version in the packs folder.' },
    dependencies: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Namespace → semver range.',
    },
    installed: {
      type: 'object',
      required: ['version', 'state', 'changedAt'],
      properties: {
        version: { type: 'string' },
        state: { enum: ['installed', 'uninstalled'], description: 'An uninstalled pack keeps its data archived.' },
        changedAt: { type: 'string', format: 'date-time' },
      },
    },
    problem: { type: 'string', description: "Why the folder's pack cannot be read." },
  },
};

const packResult = {
  allOf: [
    ref('PublishResult'),
    {
      type: 'object',
      required: ['pack', 'step', 'from', 'to', 'changed', 'items', 'conflicts', 'seeds'],
      properties: {
        pack: { type: 'string' },
        step: { enum: ['install', 'upgrade', 'uninstall'] },
        from: { type: ['string', 'null'], description: 'The version installed before.' },
        to: { type: ['string', 'null'], description: 'The version installed after (null: uninstalled).' },
        changed: { type: 'boolean', description: 'False when there was nothing to do (the same version again).' },
        purged: {
          type: 'object',
          description: 'An uninstall with purge: the archived tables and columns dropped for good.',
          properties: { tables: { type: 'integer', minimum: 0 }, columns: { type: 'integer', minimum: 0 } },
        },
        seeds: {
          type: 'integer',
          minimum: 0,
          description:
            'Seed records loaded through the record pipeline (a dry run: to be loaded); only a first install loads them.',
        },
        items: {
          type: 'array',
          description: 'What the merge does with each item of the pack.',
          items: {
            type: 'object',
            required: ['kind', 'id', 'apiName', 'action', 'taken', 'kept', 'reset'],
            properties: {
              kind: { type: 'string' },
              id: { type: 'string' },
              apiName: { type: 'string' },
              action: { enum: ['add', 'update', 'remove', 'keepDeleted', 'unchanged'] },
              taken: { type: 'array', items: { type: 'string' }, description: "Where the pack's changes land." },
              kept: { type: 'array', items: { type: 'string' }, description: "Where the admin's own changes stay." },
              reset: {
                type: 'array',
                items: { type: 'string' },
                description: "Where a property that stays the pack's (apiName, type, formula) takes the pack's value.",
              },
            },
          },
        },
        conflicts: {
          type: 'array',
          description: 'Properties both the admin and the new version changed differently, each needing a choice.',
          items: {
            type: 'object',
            required: ['key', 'kind', 'apiName', 'path'],
            properties: {
              key: { type: 'string', description: 'The key to give a resolution under.' },
              kind: { type: 'string' },
              apiName: { type: 'string' },
              path: { type: 'string' },
              base: {},
              mine: {},
              theirs: {},
              resolution: { enum: ['keepMine', 'takeTheirs'] },
            },
          },
        },
      },
    },
  ],
};

export function packsPaths(): Paths {
  const tags = ['Packs'];
  const name = { name: 'name', in: 'path', required: true, description: 'The pack.', schema: { type: 'string' } };
  const flags = ['dryRun', 'confirmLossy'].map((flag) => ({
    name: flag,
    in: 'query',
    required: false,
    description: flag === 'dryRun' ? 'Answer the plan; change nothing.' : 'Accept steps that archive data.',
    schema: { type: 'boolean', default: false },
  }));
  const purge = {
    name: 'purge',
    in: 'query',
    required: false,
    description:
      'Drop the archived tables and columns for good and forget the pack (with confirmLossy; also for a pack already uninstalled). Refused while the tenant’s metadata references its items.',
    schema: { type: 'boolean', default: false },
  };
  const lifecycle = (step: 'install' | 'upgrade' | 'uninstall', description: string, conflict: string) => ({
    post: {
      operationId: `${step}Pack`,
      summary: `${step[0]!.toUpperCase()}${step.slice(1)} a pack`,
      description: `${description} Validate → plan → apply in the one transaction of a metadata publish: a failure anywhere leaves nothing changed. Needs manageMetadata, and what the pack brings passes the checks of a configuration import (roles and permission sets need manageUsers).`,
      tags,
      parameters: [name, ...flags, ...(step === 'uninstall' ? [purge] : [])],
      requestBody: {
        required: false,
        content: json({
          type: 'object',
          properties: {
            resolutions: {
              type: 'object',
              additionalProperties: { enum: ['keepMine', 'takeTheirs'] },
              description: 'Conflict key → the choice for it.',
            },
          },
        }),
      },
      responses: {
        200: { description: 'The plan (dry run), or nothing to do.', content: json(packResult) },
        201: { description: 'Done: the new release.', content: json(packResult) },
        ...problemResponses(
          'Unauthorized',
          forbidden([], ['manageMetadata', 'manageUsers']),
          ['NotFound', 'No pack of that name in the packs folder.'],
          ['Conflict', conflict],
          ['ValidationFailed', "The pack's files are missing or invalid, or its items lack its namespace."],
        ),
      },
    },
  });
  return {
    '/api/v1/packs': {
      get: {
        operationId: 'listPacks',
        summary: 'The packs on offer and installed',
        tags,
        description: 'The packs of the packs folder (plugins/, or TESSERA_PACKS_DIR) with the versions installed.',
        responses: {
          200: {
            description: 'The packs.',
            content: json({ type: 'object', properties: { data: { type: 'array', items: packEntry } } }),
          },
          ...problemResponses('Unauthorized', forbidden([], ['manageMetadata'])),
        },
      },
    },
    '/api/v1/packs/{name}/install': lifecycle(
      'install',
      'Installs the version in the packs folder; an uninstalled pack comes back with its customisations and its data.',
      'Already installed at another version, a dependency missing (code dependency), unpublished draft edits (draftPending), or lossy steps not confirmed.',
    ),
    '/api/v1/packs/{name}/upgrade': lifecycle(
      'upgrade',
      "Merges the new version with the admin's changes three ways: theirs land, the admin's stay, deleted items are not re-created; true conflicts need a resolution each.",
      'Not newer (code version), conflicts without a resolution (packConflict), unpublished draft edits, or lossy steps not confirmed.',
    ),
    '/api/v1/packs/{name}/uninstall': lifecycle(
      'uninstall',
      "Removes the pack's items; their tables and columns are archived with their data, so a reinstall brings them back.",
      "Other installed packs depend on it (code dependency), items of other packs or the tenant's own still name its objects or fields (packInUse, one error per item), unpublished draft edits, or the archiving not confirmed (lossy).",
    ),
  };
}
