import { useQuery } from '@tanstack/react-query';
import { fetchCurrencies } from '../api/records.api';

/** The tenant's corporate currency (ISO code): what amounts without a code, and converted sums, are in. */
export function useCorporateCurrency(): string | undefined {
  return useQuery({ queryKey: ['currencies'], queryFn: fetchCurrencies, staleTime: 5 * 60_000 }).data?.corporate;
}
