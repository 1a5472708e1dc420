import type { Knex } from 'knex';
import { invalid, notFound } from '../errors.js';
import type { FormulaReturnType } from '../fields/formula.js';
import { fieldType } from '../fields/index.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import {
  checkRule,
  parseRuleRequest,
  ruleFields,
  RULE_OPERATIONS,
  type RuleCheck,
  type RuleRequest,
} from '../metadata/rule-check.js';
import type { FieldDef, ObjectDef } from '../metadata/types.js';
import { compileFormula } from '../rules/formula-sql.js';
import { evaluate, truthy } from '../rules/json-logic.js';
import type { Caller } from '../security/caller.js';
import { selectColumns, toRecord } from './record-shape.js';
import type { RecordsService } from './records.service.js';

/**
 * The rule editor's two questions: what would saving this rule say (check, against the draft,
 * so an unpublished object is fine), and what does it give on a real record (test). A rule is
 * tested only after it passes the check, so nothing refused at save is ever evaluated. The record
 * is read through the records service as the caller (their visibility, 404 when hidden), then its
 * row as the engine's own checks read it (all fields, as rules see them at run time); formulas
 * are computed by the SQL they compile to, as the generated column does, against that record's
 * row, with the id bound.
 */

export type RuleTestResult = { result: boolean; refused?: boolean } | { value: unknown; type: string };

/** What a formula's inferred kind reads back as when no return type is given. */
const KIND_RETURN: Record<string, FormulaReturnType> = {
  number: 'number',
  text: 'text',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'datetime',
  null: 'text',
};

export class RuleEditorService {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
    private readonly records: RecordsService,
    private readonly draftObject: (name: string) => Promise<ObjectDef | undefined>,
  ) {}

  operations(): readonly string[] {
    return RULE_OPERATIONS;
  }

  async check(body: unknown): Promise<RuleCheck> {
    const request = parseRuleRequest(body);
    return checkRule(await this.objectOf(request), request);
  }

  async test(body: unknown, caller: Caller): Promise<RuleTestResult> {
    const request = parseRuleRequest(body, ['recordId']);
    const recordId = (body as Record<string, unknown>).recordId;
    if (typeof recordId !== 'string' || recordId === '')
      throw invalid('recordId names the record to test the rule on', [
        { field: '/recordId', code: 'required', message: 'recordId is the id of a record of the object' },
      ]);
    const draft = await this.objectOf(request);
    const checked = checkRule(draft, request);
    if (checked.errors.length)
      throw invalid(
        'the rule would be refused when saved, so it is not evaluated',
        checked.errors.map((e) => ({ field: `/rule${e.pointer}`, code: e.code, message: e.detail })),
      );
    // Access and visibility as any read of the record: 404 for a record the caller cannot see.
    await this.records.get(request.object, recordId, caller);
    const published = this.compiled().objects.get(request.object)!;
    const missing = ruleFields(request).filter(
      (name) => !published.fields.has(name) && !['id', 'owner_id', 'created_at', 'updated_at'].includes(name),
    );
    if (missing.length)
      throw invalid(
        `the rule reads ${missing.map((m) => `"${m}"`).join(', ')}, which the published object has no column for yet: publish the draft first`,
        missing.map((m) => ({
          field: '/rule',
          code: 'reference',
          message: `"${m}" is a draft field, not yet published`,
        })),
      );
    if (request.kind === 'formula') return this.formula(request, published.def, recordId, checked.type ?? 'null');
    // The data a rule reads at run time: the record's values as a write's checks see them
    // (record-shape.ts toRecord: a lookup is its id), a workflow condition also `$old`, which for a
    // test is the record itself: nothing changed.
    const row = (await this.knex
      .from(`${this.schema}.${published.table}`)
      .select(selectColumns(published))
      .where('id', recordId)
      .first()) as Record<string, unknown> | undefined;
    if (!row) throw notFound(`${request.object} ${recordId} does not exist`);
    const record = toRecord(published, row);
    const data = request.kind === 'condition' ? { ...record, $old: record } : record;
    const result = truthy(evaluate(request.rule, data));
    // A validation rule's condition TRUE means the record is invalid: saving it would be refused.
    return request.kind === 'validation' ? { result, refused: result } : { result };
  }

  private async formula(request: RuleRequest, object: ObjectDef, id: string, kind: string) {
    const returnType = request.returnType ?? KIND_RETURN[kind] ?? 'text';
    const fields = new Map<string, FieldDef>(object.fields.map((f) => [f.apiName, f]));
    const compiled = compileFormula(request.rule, fields, returnType, 'r');
    if (!compiled.sql)
      throw invalid(
        'the formula does not compile',
        compiled.errors.map((e) => ({ field: `/rule${e.path}`, code: 'formula', message: e.message })),
      );
    // The formula compiler writes the SQL a generated column holds (DDL, which cannot bind): every
    // identifier is one of the object's fields, double-quoted (quoteIdent); every text literal is
    // single-quoted with quotes doubled (quoteText; standard_conforming_strings), NUL refused;
    // numbers are finite JSON numbers; operators and functions come from its own tables. Nothing
    // of the request reaches the text otherwise — the json-logic corpus is fed through this path
    // in rule-editor.test.ts. Its `?` are escaped so knex binds only the record id.
    const row = (await this.knex
      .from(`${this.schema}.${this.compiled().objects.get(request.object)!.table} as r`)
      .select(this.knex.raw(`${compiled.sql.replace(/\?/g, '\\?')} as value`))
      .where('r.id', id)
      .first()) as { value: unknown } | undefined;
    if (!row) throw notFound(`${request.object} ${id} does not exist`);
    const asField = { type: 'formula', returnType } as FieldDef;
    return { value: fieldType(asField).fromColumns([row.value], asField), type: returnType, kind };
  }

  private async objectOf(request: RuleRequest): Promise<ObjectDef> {
    const object = await this.draftObject(request.object);
    if (!object) throw notFound(`object "${request.object}" does not exist in the draft`);
    return object;
  }
}
