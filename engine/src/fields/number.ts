import type { FieldTypeDef } from './field-type.js';
import { decimalType } from './shared.js';

/** A decimal number with a fixed precision and scale (Postgres numeric); default (18,0). */
export const number: FieldTypeDef = decimalType(18, 0, 'number');
