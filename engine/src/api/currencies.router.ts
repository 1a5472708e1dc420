import { Router } from 'express';
import type { CurrencyService } from '../records/currencies.js';

/** GET /api/v1/currencies; PUT /api/v1/currencies/corporate { currency }; POST /api/v1/currencies/rates { currency, startDate, rate }. */
export function currenciesRouter(currencies: CurrencyService): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ corporate: currencies.corporate, rates: await currencies.rates() });
  });
  router.put('/corporate', async (req, res) => {
    res.json({ corporate: await currencies.setCorporate((req.body as { currency?: unknown } | undefined)?.currency) });
  });
  router.post('/rates', async (req, res) => {
    res.status(201).json(await currencies.setRate(req.body));
  });
  return router;
}
