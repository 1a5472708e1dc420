import type { FieldDef } from '../metadata/types.js';
import { blindIndex, blindIndexes, decryptValue, encryptValue, fieldKeysSet } from '../lib/field-cipher.js';
import type { FieldTypeDef, FilterOperator } from './field-type.js';

/**
 * A text-like field with `encrypted: true`: the same type to the API and the forms, stored as
 * ciphertext (lib/field-cipher.ts) with a blind index in `<apiName>__bidx`. The database never
 * holds the value in clear, so anything it would compute from the value is refused: sorting,
 * grouping, ranges, partial matches, formulas, trigram search. Equality works on the blind index
 * (filters, uniqueness). Lists built as JSON by Postgres carry the ciphertext; records/reveal.ts
 * decrypts it on the way out.
 */

export const BLIND_INDEX_PART = 'bidx';
const MATCH_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'in', 'nin', 'isNull'];

const variants = new Map<FieldTypeDef, FieldTypeDef>();

/** The encrypted form of a type that offers the `encrypted` setting. */
export function encryptedVariant(base: FieldTypeDef): FieldTypeDef {
  const known = variants.get(base);
  if (known) return known;
  if (!base.value) throw new Error('only a stored value can be encrypted');
  // The value as the plain type would store it (an e-mail lower-cased), which is what is encrypted.
  const plain = (value: unknown, field: FieldDef): string | null => {
    // The encryptable types are text-like: their column value is a string.
    const column = base.toColumns(value, field)[0];
    return typeof column === 'string' ? column : null;
  };
  const variant: FieldTypeDef = {
    ...base,
    columns: () => [
      { part: '', sqlType: 'text' },
      { part: BLIND_INDEX_PART, sqlType: 'text' },
    ],
    value: {
      ...base.value,
      operators: base.value.operators.filter((op) => MATCH_OPERATORS.includes(op)),
      groupable: false,
      aggregates: [],
    },
    sortable: false,
    toColumns(value, field) {
      const text = plain(value, field);
      return text === null ? [null, null] : [encryptValue(text, field.id), blindIndex(text, field.id)];
    },
    fromColumns: (values, field) =>
      base.fromColumns([typeof values[0] === 'string' ? decryptValue(values[0], field.id) : null], field),
    jsonSql: undefined,
    check(field) {
      const errors = [...(base.check?.(field) ?? [])];
      if (!fieldKeysSet())
        errors.push({
          field: '/encrypted',
          code: 'encryption',
          message: 'no encryption key is set: start the engine with TESSERA_ENCRYPTION_KEY (32 bytes, hex or base64)',
        });
      if (field.searchable)
        errors.push({
          field: '/searchable',
          code: 'encryption',
          message:
            'an encrypted field cannot be in global search, which matches part of a value; filter it by its exact value',
        });
      return errors;
    },
    textSearch: false,
    nameField: false,
    formulaKind: undefined,
    encryption: {
      indexPart: BLIND_INDEX_PART,
      matchValues(value, field) {
        const text = plain(value, field);
        return text === null ? [] : blindIndexes(text, field.id);
      },
    },
  };
  variants.set(base, variant);
  return variant;
}
