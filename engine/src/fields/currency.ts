import type { FieldTypeDef } from './field-type.js';
import { decimalType } from './shared.js';

/** A money amount: numeric(18,2) by default, never floating point, so cents add up. */
export const currency: FieldTypeDef = decimalType(18, 2, 'currency');
