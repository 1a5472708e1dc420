import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { planObject, type DraftObject } from '../api/studio.api';
import { verdictFromPlan, verdictFromRefusal, type TypeVerdict } from './type-verdict';

/**
 * Asks the schema planner what publishing `proposed` (the object with one field changed) would
 * do to that field's column, before anything is saved. `apiName` and `etag` are the object's as
 * it was read: someone's save since is a 412, thrown for the drawer's "changed by someone else".
 */
export async function checkField(
  apiName: string,
  etag: string,
  proposed: DraftObject,
  column: string,
): Promise<TypeVerdict> {
  try {
    return verdictFromPlan(await planObject(apiName, proposed, etag), proposed.apiName, column);
  } catch (e) {
    if ((e as ApiError).status === 409 || (e as ApiError).status === 422)
      return verdictFromRefusal(e as ApiError, proposed.apiName, column);
    throw e;
  }
}
