/**
 * The collector's calendar is UTC: the usage day and the "transactions this month" window
 * are the same for every console and every server, whatever their time zones.
 */
export interface UsageCalendar {
  /** YYYY-MM-DD: the day a run's rows are filed under. */
  readonly usageDate: string;
  /** YYYY-MM-01 of the current month. */
  readonly monthStart: string;
  readonly monthStartAt: Date;
  readonly nextMonthStartAt: Date;
}

export function usageCalendar(now: Date): UsageCalendar {
  const monthStartAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonthStartAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return {
    usageDate: now.toISOString().slice(0, 10),
    monthStart: monthStartAt.toISOString().slice(0, 10),
    monthStartAt,
    nextMonthStartAt,
  };
}
