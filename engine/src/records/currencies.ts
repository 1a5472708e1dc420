import type { Knex } from 'knex';
import { bumpStamp } from '../db/stamp.js';
import { badRequest, conflict, type FieldError } from '../errors.js';

/**
 * The tenant's corporate currency and dated exchange rates. A rate says how many units of a
 * currency buy one unit of the corporate currency, from its start date until the next rate's.
 * Currency amounts written without a code are stored with the corporate currency's code, so a
 * later change of corporate currency never changes what a stored amount means.
 */

export interface ExchangeRate {
  currency: string;
  startDate: string;
  rate: number;
}

const ISO = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CurrencyService {
  private corporateCode = 'USD';

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    /** After a change is committed: this process catches up with the stamp it moved (db/stamp.ts). */
    private readonly changed: () => Promise<void> = () => Promise.resolve(),
  ) {}

  get corporate(): string {
    return this.corporateCode;
  }

  async load(): Promise<void> {
    const row = await this.knex(`${this.schema}._settings`)
      .where({ key: 'corporateCurrency' })
      .first<{ value: string } | undefined>('value');
    if (row) this.corporateCode = row.value;
  }

  async setCorporate(code: unknown): Promise<string> {
    if (typeof code !== 'string' || !ISO.test(code))
      throw badRequest('currency must be an ISO 4217 code such as USD', [
        { field: '/currency', code: 'pattern', message: 'three capital letters' },
      ]);
    const rates = await this.knex(`${this.schema}._exchange_rates`).count<{ n: string }[]>({ n: '*' }).first();
    if (code !== this.corporateCode && Number(rates?.n) > 0) {
      throw conflict(
        'exchange rates are stated against the current corporate currency; delete them before changing it',
        [{ field: '/currency', code: 'ratesExist', message: 'delete the exchange rates first' }],
      );
    }
    await this.knex.transaction(async (trx) => {
      await trx(`${this.schema}._settings`)
        .insert({ key: 'corporateCurrency', value: JSON.stringify(code) })
        .onConflict('key')
        .merge();
      // Other engine processes read the currency again before their next answer.
      await bumpStamp(trx, this.schema);
    });
    this.corporateCode = code;
    // Otherwise this process's next request would fail its stamp check once and be redone.
    await this.changed();
    return code;
  }

  async rates(): Promise<ExchangeRate[]> {
    const rows = await this.knex(`${this.schema}._exchange_rates`)
      .orderBy(['currency', 'start_date'])
      .select('currency', 'start_date', 'rate');
    return rows.map((r: { currency: string; start_date: string; rate: string }) => ({
      currency: r.currency,
      startDate: r.start_date,
      rate: Number(r.rate),
    }));
  }

  async setRate(input: unknown): Promise<ExchangeRate> {
    const body = (input ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (typeof body.currency !== 'string' || !ISO.test(body.currency))
      errors.push({ field: '/currency', code: 'pattern', message: 'an ISO 4217 code such as EUR' });
    else if (body.currency === this.corporateCode)
      errors.push({ field: '/currency', code: 'corporate', message: 'the corporate currency always has rate 1' });
    if (typeof body.startDate !== 'string' || !DATE.test(body.startDate) || Number.isNaN(Date.parse(body.startDate)))
      errors.push({ field: '/startDate', code: 'format', message: 'a date, YYYY-MM-DD' });
    if (typeof body.rate !== 'number' || !(body.rate > 0) || body.rate >= 1e14)
      errors.push({ field: '/rate', code: 'range', message: 'a positive number' });
    if (errors.length) throw badRequest('the exchange rate is not valid', errors);
    const rate = { currency: body.currency as string, startDate: body.startDate as string, rate: body.rate as number };
    await this.knex(`${this.schema}._exchange_rates`)
      .insert({ currency: rate.currency, start_date: rate.startDate, rate: rate.rate })
      .onConflict(['currency', 'start_date'])
      .merge(['rate']);
    return rate;
  }
}
