import type { FieldError } from '../errors.js';
import type { CompiledObject } from './compile.js';

/**
 * What validating metadata asks of the list API's own parsers: a list view's sort and filter, a
 * dashboard widget's and a rollup's filter must be ones a request could send, so that what
 * publishes is what every user can open. The parsers live in query/, above this layer; the engine
 * hands them in (query/draft-checks.ts).
 */
export interface QueryChecks {
  /** A filter's errors on `object`, placed by JSON pointers inside the filter; `objects` resolves lookup paths. */
  filterErrors(object: CompiledObject, filter: unknown, objects?: ReadonlyMap<string, CompiledObject>): FieldError[];
  /** A sort's errors (`-amount,account.name`), every bad key named. */
  sortErrors(object: CompiledObject, sort: string, objects?: ReadonlyMap<string, CompiledObject>): FieldError[];
}
