/**
 * Runs one request per item, a few at a time (the engine has one PGlite connection by default;
 * hundreds of parallel requests would only queue there), and reports which failed and why.
 */
export async function runBatch<T>(items: T[], work: (item: T) => Promise<unknown>, concurrency = 4): Promise<{ ok: number; failed: { item: T; error: unknown }[] }> {
  let next = 0;
  let ok = 0;
  const failed: { item: T; error: unknown }[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
        ok++;
      } catch (error) {
        failed.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { ok, failed };
}
