/** A widget's own filter and the dashboard's period on its date field, both applying. */
export function widgetFilter(filter: unknown, dateField: string | undefined, period: string): unknown {
  const periodFilter = dateField && period !== 'all' ? { [dateField]: { eq: period } } : undefined;
  if (filter && periodFilter) return { and: [filter, periodFilter] };
  return filter ?? periodFilter;
}
