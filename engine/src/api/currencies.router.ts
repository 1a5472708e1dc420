import { Router } from 'express';
import type { CurrencyService } from '../records/currencies.js';
import type { SetupAudit } from '../security/setup-audit.js';
import { accessOf } from './context.js';

/**
 * GET /api/v1/currencies; PUT /api/v1/currencies/corporate { currency }; POST /api/v1/currencies/rates { currency,
 * startDate, rate }.
 */
export function currenciesRouter(currencies: CurrencyService, audit: SetupAudit): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ corporate: currencies.corporate, rates: await currencies.rates() });
  });
  // Currency settings are setup: changing them needs manageMetadata.
  router.use((req, _res, next) => {
    if (req.method !== 'GET') accessOf(req).requireSystem('manageMetadata');
    next();
  });
  router.put('/corporate', async (req, res) => {
    const corporate = await currencies.setCorporate((req.body as { currency?: unknown } | undefined)?.currency);
    await audit.note(accessOf(req).userId, 'currency.corporate', corporate);
    res.json({ corporate });
  });
  router.post('/rates', async (req, res) => {
    const rate = await currencies.setRate(req.body);
    await audit.note(accessOf(req).userId, 'currency.rate', rate.currency, rate);
    res.status(201).json(rate);
  });
  return router;
}
