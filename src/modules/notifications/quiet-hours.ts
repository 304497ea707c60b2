/** Minutes after local midnight in the given IANA time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * When a mail may leave: `at` itself outside quiet hours, else the minute they end. The window
 * may wrap midnight (22:00–07:00); start equal to end means none.
 */
export function afterQuietHours(at: Date, quiet: { start: number | null; end: number | null; timeZone: string }): Date {
  if (quiet.start === null || quiet.end === null || quiet.start === quiet.end) return at;
  const now = localMinutes(at, quiet.timeZone);
  const inside = quiet.start < quiet.end ? now >= quiet.start && now < quiet.end : now >= quiet.start || now < quiet.end;
  if (!inside) return at;
  const wait = (quiet.end - now + 24 * 60) % (24 * 60);
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}
