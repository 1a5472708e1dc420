import { Problem, type FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { QueryChecks } from '../metadata/query-checks.js';
import { parseFilter, type ResolvePath } from './filter-parser.js';
import { parseSort } from './keyset.js';
import { PathResolver } from './paths.js';

/** The list API's parsers as metadata validation asks for them (metadata/query-checks.ts). */
export const draftChecks: QueryChecks = {
  filterErrors: (object, filter, objects) => parserErrors(() => parseFilter(object, filter, resolver(object, objects))),
  sortErrors(object, sort, objects) {
    const resolve = resolver(object, objects);
    const whole = parserErrors(() => parseSort(object, sort, resolve));
    // The parser stops at the first bad key; one key at a time names them all.
    const each = whole.length
      ? sort.split(',').flatMap((key) => parserErrors(() => parseSort(object, key, resolve)))
      : [];
    return each.length ? each : whole;
  },
};

function resolver(object: CompiledObject, objects?: ReadonlyMap<string, CompiledObject>): ResolvePath | undefined {
  if (!objects) return undefined;
  const paths = new PathResolver(object, objects);
  return (path) => paths.resolve(path);
}

/** The field errors of a parser's 400. */
function parserErrors(parse: () => unknown): FieldError[] {
  try {
    parse();
    return [];
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return e.errors.length ? e.errors : [{ field: '', code: 'invalid', message: e.detail }];
  }
}
