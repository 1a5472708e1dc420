import type { ValueContext } from './field-ui';
import { formatCurrency } from './format';

/**
 * The ISO code an amount is in: a stored amount's own, which the record holds beside it (none
 * without the record); a computed one's (a formula giving currency) the corporate currency.
 */
function currencyOf({ field, record, corporate }: ValueContext): string | undefined {
  if (field.returnType !== undefined) return corporate;
  return (record?.[`${field.apiName}__currency`] as string | null | undefined) ?? undefined;
}

/** An amount as money: with its currency where it is known, else as a number with two decimals. */
export const moneyText = (value: unknown, ctx: ValueContext) => formatCurrency(Number(value), currencyOf(ctx), ctx.lng);
