import type { FilterOperator, JsonSchema } from '../../fields/field-type.js';
import type { CompiledField, CompiledObject } from '../../metadata/compile.js';
import { SYSTEM_OUTPUT } from '../../query/record-json.js';
import { ref } from './operation.js';
import { carriesCurrency, factsOf } from '../../fields/index.js';
import { aggregateApplies } from '../../fields/index.js';

/**
 * The query parameters of an object's list, export and aggregate endpoints, with patterns that
 * name exactly the fields (and lookup paths) the server takes, so clients can check them first.
 */

export { DEFAULT_LIMIT, MAX_LIMIT } from '../../query/list-plan.js';

/** What the filter language accepts on each system field (query/filter-parser.ts). */
const SYSTEM_FILTER_OPERATORS: Record<(typeof SYSTEM_OUTPUT)[number], readonly FilterOperator[]> = {
  id: ['eq', 'ne', 'in', 'nin', 'isNull'],
  owner_id: ['eq', 'ne', 'in', 'nin', 'isNull'],
  created_by: ['eq', 'ne', 'in', 'nin', 'isNull'],
  updated_by: ['eq', 'ne', 'in', 'nin', 'isNull'],
  created_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  updated_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  version: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between'],
};

/** A regex alternation of names; apiNames hold only [a-z0-9_], and a path's dot is escaped. */
const anyOf = (names: readonly string[]) => `(?:${names.map((n) => n.replace('.', '\\.')).join('|')})`;
/** A comma-separated list of items matching `item`. */
const listOf = (item: string) => `^${item}(?:,${item})*$`;

/** Lookups of the object with the object each points to, in field order. */
function lookups(object: CompiledObject, objects: ReadonlyMap<string, CompiledObject>): [string, CompiledObject][] {
  return [...object.fields].flatMap(([name, field]) => {
    const target = field.def.target ? objects.get(field.def.target) : undefined;
    return target ? [[name, target] as [string, CompiledObject]] : [];
  });
}

/** Sortable names of an object: system fields and sortable fields. */
const sortableNames = (object: CompiledObject) => [
  ...SYSTEM_OUTPUT,
  ...[...object.fields].filter(([, f]) => f.type.sortable).map(([n]) => n),
];

/** The names a list can sort by: its own, and `lookup.field` one level through each lookup. */
export function sortPaths(object: CompiledObject, objects: ReadonlyMap<string, CompiledObject>): string[] {
  return [
    ...sortableNames(object),
    ...lookups(object, objects).flatMap(([lookup, target]) => sortableNames(target).map((n) => `${lookup}.${n}`)),
  ];
}

/** The names `fields` takes: own fields, and a lookup's target fields (never its system fields). */
export function fieldPaths(object: CompiledObject, objects: ReadonlyMap<string, CompiledObject>): string[] {
  return [
    ...object.fields.keys(),
    ...lookups(object, objects).flatMap(([lookup, target]) => [...target.fields.keys()].map((n) => `${lookup}.${n}`)),
  ];
}

function operatorList(object: CompiledObject): string {
  return [...Object.entries(SYSTEM_FILTER_OPERATORS), ...[...object.fields].map(([n, f]) => [n, f.operators] as const)]
    .map(([n, ops]) => `\`${n}\` (${ops.join(', ')})`)
    .join('; ');
}

/** `filter`; `throughLookups` where the endpoint also takes lookup paths such as `account.industry`. */
export function filterParameter(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  throughLookups: boolean,
): JsonSchema {
  const nameField = object.fields.get(object.def.nameField);
  const example = nameField?.operators.includes('startsWith')
    ? { [object.def.nameField]: { startsWith: 'A' } }
    : { id: { ne: '00000000-0000-0000-0000-000000000000' } };
  const through = lookups(object, objects).map(([name]) => `\`${name}.<field>\``);
  const paths =
    throughLookups && through.length
      ? ` Fields of the records a lookup points to are named by path, one level deep (${through.join(', ')}), and take the operators of the field they name.`
      : '';
  return {
    name: 'filter',
    in: 'query',
    required: false,
    description: `A Filter as JSON. Fields and the operators they take: ${operatorList(object)}.${paths}`,
    content: { 'application/json': { schema: ref('Filter'), example } },
  };
}

export function sortParameter(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  defaultOrder: string,
): JsonSchema {
  const sortable = sortPaths(object, objects);
  const own = sortableNames(object);
  return {
    name: 'sort',
    in: 'query',
    required: false,
    description: `Comma-separated fields, \`-\` for descending, such as \`-${own.includes('created_at') ? 'created_at' : 'id'}\`; ${defaultOrder} Sortable: ${own.join(', ')}, and those of a lookup's record by path (\`lookup.field\`).`,
    schema: { type: 'string', maxLength: 500, pattern: listOf(`-?${anyOf(sortable)}`) },
  };
}

/** `fields`; an export also takes `id`, which it always writes first anyway. */
export function fieldsParameter(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  forExport: boolean,
): JsonSchema {
  const names = [...(forExport ? ['id'] : []), ...fieldPaths(object, objects)];
  const own = [...object.fields.keys()];
  const lookup = lookups(object, objects)[0]?.[0];
  const nested = forExport
    ? "A lookup's record fields are named by path (`lookup.field`) and become columns of their own."
    : `A lookup's record fields are named by path${lookup ? ` (\`${lookup}.name\`)` : ''}; the lookup then answers \`{ id, … }\` in place of its id.`;
  return {
    name: 'fields',
    in: 'query',
    required: false,
    description: `Comma-separated fields to answer${forExport ? ' (id always comes first)' : ' (system fields always come)'}. Default: all of ${own.join(', ') || 'them'}. ${nested}`,
    schema: names.length ? { type: 'string', pattern: listOf(anyOf(names)) } : { type: 'string' },
  };
}

// ── Aggregates ───────────────────────────────────────────────────────────────────────────────
// What each field allows comes from its type's facts, as query/aggregate.ts reads them, so the
// document cannot drift from what it accepts.

const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'];
const isDate = (f: CompiledField) => factsOf(f.def).temporal !== undefined;
const namesWhere = (object: CompiledObject, keep: (f: CompiledField) => boolean) =>
  [...object.fields].filter(([, f]) => keep(f)).map(([n]) => n);

/** The aggregate parameters other than filter; currency and rateDate only where a currency field can be summed. */
export function aggregateParameters(object: CompiledObject): JsonSchema[] {
  const groupable = namesWhere(object, (f) => factsOf(f.def).groupable);
  const dates = namesWhere(object, isDate);
  const numeric = namesWhere(object, (f) => aggregateApplies('sum', f.def));
  const ordered = namesWhere(object, (f) => aggregateApplies('min', f.def));
  const currencies = namesWhere(object, (f) => carriesCurrency(f.def));

  const group = [
    ...(groupable.length ? [anyOf(groupable)] : []),
    ...(dates.length ? [`${anyOf(dates)}:${anyOf(BUCKETS)}`] : []),
  ];
  const metric = [
    'count',
    ...(numeric.length ? [`(?:sum|avg):${anyOf(numeric)}`] : []),
    ...(ordered.length ? [`(?:min|max):${anyOf(ordered)}`] : []),
  ];
  const parameters: JsonSchema[] = [
    {
      name: 'groupBy',
      in: 'query',
      required: false,
      description: `One or two fields to group by, comma-separated; a date field may take a bucket (\`:${BUCKETS.join('`, `:')}\`), answered as the bucket's first day. A lookup also answers \`<field>:label\`, the name of the record it points to (null where the caller may not see it). Without it, one row of totals. Groupable: ${groupable.join(', ') || 'none'}.`,
      schema: group.length
        ? { type: 'string', pattern: `^${anyOf(group)}(?:,${anyOf(group)})?$` }
        : { type: 'string', maxLength: 0 },
    },
    {
      name: 'metrics',
      in: 'query',
      required: false,
      description: `Comma-separated: \`count\`, \`sum:field\` and \`avg:field\` (${numeric.join(', ') || 'no field'}), \`min:field\` and \`max:field\` (${ordered.join(', ') || 'no field'}). Each becomes a key of every row.`,
      schema: { type: 'string', default: 'count', pattern: listOf(anyOf(metric)) },
    },
  ];
  if (!currencies.length) return parameters;
  parameters.push({
    name: 'currency',
    in: 'query',
    required: false,
    description: `\`corporate\`: sums, averages, minimums and maximums of ${currencies.join(', ')} are converted to the corporate currency with the exchange rate of each record's date; a rate missing for some record is a 422. Without it, amounts are added as stored, whatever their currency.`,
    schema: { enum: ['corporate'] },
  });
  if (dates.length) {
    parameters.push({
      name: 'rateDate',
      in: 'query',
      required: false,
      description:
        "With `currency=corporate`: the date field whose value picks each record's exchange rate. Default: when the record was created.",
      schema: { enum: dates },
    });
  }
  return parameters;
}
