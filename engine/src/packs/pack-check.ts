import { Problem, type FieldError } from '../errors.js';
import { ITEM_SPECS } from '../metadata/kinds.js';
import { schemaErrors } from '../metadata/shape-checks.js';
import type { MetadataSnapshot, ObjectDef } from '../metadata/types.js';
import { validateSnapshot } from '../metadata/validate.js';
import { draftChecks } from '../query/draft-checks.js';
import { CORE_PACK_DIR, readPack, type PackManifest } from './pack-files.js';

/**
 * A pack folder checked without a database, for its author (`tessera pack validate`): pack.json
 * and the files it lists (pack-files.ts), each item against its kind's JSON Schema, the namespace
 * on every id, then the items beside the core pack as a publish checks them (lookup targets,
 * fields the layouts, views and rules name), and the seed files' objects and field names. Every
 * problem is named `<file>#<JSON pointer>`, where a publish would say `/objects/<apiName>/…`.
 * What needs a tenant — other packs it depends on, seed values through the record pipeline, the
 * schema plan — is the install's dry run.
 */

export interface PackCheck {
  manifest?: PackManifest;
  /** Items and seed records read, by kind (`objects: 2`, `seed records: 4`). */
  counts: Record<string, number>;
  errors: FieldError[];
}

type Item = { id?: unknown; apiName?: unknown };
type ListKey = 'objects' | (typeof ITEM_SPECS)[number]['key'];
const KINDS: { key: ListKey; schema: Parameters<typeof schemaErrors>[0] }[] = [
  { key: 'objects', schema: 'object' },
  ...ITEM_SPECS.map((s) => ({ key: s.key, schema: s.schema })),
];
const at = (file: string, pointer: string) => `${file}#${pointer === '/' ? '' : pointer}`;

export function checkPack(dir: string): PackCheck {
  let pack: ReturnType<typeof readPack>;
  try {
    pack = readPack(dir);
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    // pack.json's own errors are pointers into it; a file that cannot be read is named as listed.
    const errors = e.errors.map((x) => ({ ...x, field: x.field.startsWith('/') ? at('pack.json', x.field) : x.field }));
    return { counts: {}, errors };
  }
  const { manifest, snapshot, seeds } = pack;
  const ns = `${manifest.namespace}.`;
  const fileOf = new Map<string, string>();
  const errors: FieldError[] = [];
  const counts: Record<string, number> = {};
  for (const { key, schema } of KINDS) {
    const items = (snapshot[key] ?? []) as Item[];
    if (items.length) counts[key] = items.length;
    items.forEach((item, i) => {
      const file = manifest[key]![i]!;
      fileOf.set(`/${key}/${String(item.apiName)}`, file);
      for (const e of schemaErrors(schema, item)) errors.push({ ...e, field: at(file, e.field) });
      if (typeof item.id === 'string' && !item.id.startsWith(ns))
        errors.push(namespaceError(at(file, '/id'), item.id, ns));
    });
  }
  const extensions = snapshot.extensions ?? [];
  if (extensions.length) counts.extensions = extensions.length;
  extensions.forEach((ext, i) =>
    ext.fields.forEach((f, j) => {
      if (!f.id?.startsWith(ns)) errors.push(namespaceError(at(manifest.extensions![i]!, `/fields/${j}/id`), f.id, ns));
    }),
  );
  if (seeds.length) counts['seed records'] = seeds.reduce((n, s) => n + s.records.length, 0);
  // The whole-snapshot checks expect items of the right shape: shapes first, as an import does.
  if (errors.length) return { manifest, counts, errors };

  const core = readPack(CORE_PACK_DIR).snapshot;
  const all: MetadataSnapshot = Object.fromEntries(
    KINDS.map(({ key }) => [key, [...(core[key] ?? []), ...(snapshot[key] ?? [])]]),
  ) as unknown as MetadataSnapshot;
  all.objects = all.objects.map((o) => structuredClone(o));
  const objects = new Map(all.objects.map((o) => [o.apiName, o]));
  extensions.forEach((ext, i) => {
    const file = manifest.extensions![i]!;
    const target = objects.get(ext.object);
    if (!target) {
      errors.push({ field: at(file, '/object'), code: 'reference', message: noObject(ext.object) });
      return;
    }
    // A publish names the extension's fields by their place in the whole object: map them back.
    ext.fields.forEach((f, j) =>
      fileOf.set(`/objects/${ext.object}/fields/${target.fields.length + j}`, at(file, `/fields/${j}`)),
    );
    target.fields.push(...ext.fields);
  });
  for (const e of validateSnapshot(all, draftChecks)) errors.push({ ...e, field: inPackFile(e.field, fileOf) });
  errors.push(...seedErrors(seeds, objects));
  return { manifest, counts, errors };
}

/** `/objects/ev_event/fields/1/target` → `objects/event.json#/fields/1/target`, when the pack has the item. */
function inPackFile(pointer: string, fileOf: ReadonlyMap<string, string>): string {
  const field = /^(\/objects\/[a-z0-9_]+\/fields\/\d+)(\/.*)?$/.exec(pointer);
  const extension = field && fileOf.get(field[1]!);
  if (extension) return `${extension}${field[2] ?? ''}`;
  const item = /^(\/[A-Za-z]+\/[a-z0-9_]+)(\/.*)?$/.exec(pointer);
  const file = item && fileOf.get(item[1]!);
  return file ? at(file, item[2] ?? '') : pointer;
}

/** Each seed file's object exists and its records name fields of it; `_ref`s point at an earlier `_key`. */
function seedErrors(seeds: ReturnType<typeof readPack>['seeds'], objects: ReadonlyMap<string, ObjectDef>) {
  const errors: FieldError[] = [];
  const keys = new Set<unknown>();
  for (const { file, object, records } of seeds) {
    const target = objects.get(object);
    if (!target) {
      errors.push({ field: at(file, '/object'), code: 'reference', message: noObject(object) });
      continue;
    }
    const fields = new Set(target.fields.map((f) => f.apiName));
    records.forEach((record, i) => {
      for (const [name, value] of Object.entries(record)) {
        const pointer = at(file, `/records/${i}/${name}`);
        if (name === '_key') keys.add(value);
        else if (!fields.has(name))
          errors.push({ field: pointer, code: 'reference', message: `${object} has no field "${name}"` });
        else if (isRef(value) && !keys.has(value._ref))
          errors.push({
            field: pointer,
            code: 'reference',
            message: `no earlier seed record has _key ${JSON.stringify(value._ref)}`,
          });
      }
    });
  }
  return errors;
}

const isRef = (v: unknown): v is { _ref: unknown } => typeof v === 'object' && v !== null && '_ref' in v;
const noObject = (name: string) => `no object "${name}" in this pack or the core pack`;
const namespaceError = (field: string, id: string | undefined, ns: string): FieldError => ({
  field,
  code: 'namespace',
  message: `id "${id ?? ''}" must start with "${ns}"`,
});
