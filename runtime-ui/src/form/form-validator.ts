import {
  toErrorSchema,
  type RJSFSchema,
  type RJSFValidationError,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';

/**
 * Client-side checks for generated forms, without ajv: ajv compiles schemas with `new Function`,
 * which the UI's Content-Security-Policy (script-src 'self', no 'unsafe-eval') forbids. The form
 * schemas are flat and small (types, required, lengths, bounds, formats), so checking them
 * directly is simple; the engine validates everything again and has the last word.
 */

type Messages = {
  required: string;
  tooLong: (max: number) => string;
  notNumber: string;
  notInteger: string;
  min: (min: number) => string;
  max: (max: number) => string;
  email: string;
  format: string;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

function check(value: unknown, schema: RJSFSchema, path: string, m: Messages, out: RJSFValidationError[]): void {
  const fail = (name: string, message: string): void =>
    void out.push({ name, property: path, message, stack: `${path} ${message}`, params: {}, schemaPath: '' });
  if (schema.type === 'object' && value && typeof value === 'object') {
    for (const name of schema.required ?? []) {
      if (isEmpty((value as Record<string, unknown>)[name]))
        out.push({
          name: 'required',
          property: `${path}.${name}`,
          message: m.required,
          stack: `${name} ${m.required}`,
          params: { missingProperty: name },
          schemaPath: '',
        });
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      const v = (value as Record<string, unknown>)[name];
      if (!isEmpty(v) && typeof sub === 'object') check(v, sub, `${path}.${name}`, m, out);
    }
    return;
  }
  if (isEmpty(value)) return;
  if (schema.type === 'number' || schema.type === 'integer') {
    if (typeof value !== 'number' || Number.isNaN(value)) return fail('type', m.notNumber);
    if (schema.type === 'integer' && !Number.isInteger(value)) return fail('type', m.notInteger);
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('minimum', m.min(schema.minimum));
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('maximum', m.max(schema.maximum));
  }
  if (schema.type === 'string' && typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength)
      fail('maxLength', m.tooLong(schema.maxLength));
    if (schema.format === 'email' && !EMAIL.test(value)) fail('format', m.email);
    if (schema.format === 'date' && !DATE.test(value)) fail('format', m.format);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) fail('pattern', m.format);
  }
}

export function createFormValidator(messages: Messages): ValidatorType {
  const run = (schema: RJSFSchema, formData: unknown) => {
    const errors: RJSFValidationError[] = [];
    check(formData ?? {}, schema, '', messages, errors);
    return errors;
  };
  return {
    validateFormData(formData, schema): ValidationData<unknown> {
      const errors = run(schema, formData);
      return { errors, errorSchema: toErrorSchema(errors) };
    },
    isValid: (schema, formData) => run(schema, formData).length === 0,
    rawValidation: (schema, formData) => ({ errors: run(schema, formData) as never[] }),
  };
}
