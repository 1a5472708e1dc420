import { requestJson } from '@tessera/runtime-ui/api/http';
import { listRecords } from '@tessera/runtime-ui/api/records.api';

/**
 * The rule editor's calls: the engine's allowed operations, a rule checked as saving it would be
 * (against the draft), a rule evaluated on a real record, and the records to choose one from.
 */

export type RuleKind = 'validation' | 'formula' | 'visibility' | 'required' | 'condition';

export interface RuleError {
  /** JSON pointer inside the rule. */
  pointer: string;
  code: string;
  detail: string;
}

export interface RuleCheck {
  errors: RuleError[];
  /** What a formula computes. */
  type?: string;
}

export type RuleTestResult = { result: boolean; refused?: boolean } | { value: unknown; type: string; kind?: string };

export interface RuleRequest {
  object: string;
  kind: RuleKind;
  rule: unknown;
  returnType?: string;
}

const RULES = '/meta/rules';

export const ruleOperators = () => requestJson<{ data: string[] }>(`${RULES}/operators`).then((r) => r.data);
export const checkRule = (request: RuleRequest, signal?: AbortSignal) =>
  requestJson<RuleCheck>(`${RULES}/check`, { method: 'POST', body: request, signal });
export const testRule = (request: RuleRequest & { recordId: string }) =>
  requestJson<RuleTestResult>(`${RULES}/test`, { method: 'POST', body: request });

/** Records of the object whose name field contains `text` (the first page when empty), to test a rule on. */
export const findRecords = (object: string, nameField: string, text: string, signal?: AbortSignal) =>
  listRecords(
    object,
    {
      fields: nameField,
      limit: 20,
      ...(text.trim() ? { filter: { [nameField]: { contains: text.trim() } } } : {}),
    },
    signal,
  ).then((page) => page.data);
