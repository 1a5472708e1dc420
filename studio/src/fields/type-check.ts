import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { publish } from '../api/studio.api';
import { verdictFromPlan, verdictFromRefusal, type TypeVerdict } from './type-verdict';

/** Asks the schema planner, by a dry-run publish of the draft, what it would do to one field's column. */
export async function checkField(table: string, column: string): Promise<TypeVerdict> {
  try {
    return verdictFromPlan(await publish({ dryRun: true }), table, column);
  } catch (e) {
    if ((e as ApiError).status === 409 || (e as ApiError).status === 422)
      return verdictFromRefusal(e as ApiError, table, column);
    throw e;
  }
}
