/**
 * ISO 8601 durations as workflows write them (PT30M, P3D, P1W2DT4H): weeks, days, hours,
 * minutes, seconds — no months or years, whose length depends on the date. Milliseconds, or
 * undefined for anything else.
 */
const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const UNITS_MS = [604_800_000, 86_400_000, 3_600_000, 60_000, 1_000];

export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return m.slice(1).reduce((sum, part, i) => sum + Number(part ?? 0) * UNITS_MS[i]!, 0);
}

/** A duration with an optional sign (`-P3D`: three days before): milliseconds, or undefined. */
export function signedDurationMs(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const ms = durationMs(text.replace(/^[-+]/, ''));
  return ms === undefined ? undefined : sign * ms;
}
