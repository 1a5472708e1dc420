import type { FieldTypeDef } from './field-type.js';
import { decimalType } from './shared.js';

/** A percentage, stored as written (50 means 50 %); numeric(7,2) by default. */
export const percent: FieldTypeDef = decimalType(7, 2, 'percent');
