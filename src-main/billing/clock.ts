/**
 * What time the billing lifecycle thinks it is. Injected everywhere billing decides by
 * time (trial ends, grace periods, due dates, periods), so tests and drills move time
 * without touching the machine's clock. The database's now() is used only for
 * bookkeeping columns (created_at, updated_at).
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  #at: number;
  constructor(start: Date | string = new Date()) {
    this.#at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
  advanceDays(days: number): Date {
    this.#at += days * 86_400_000;
    return this.now();
  }
  advanceMs(ms: number): Date {
    this.#at += ms;
    return this.now();
  }
}

/**
 * TENANT_CONSOLE_NOW (an ISO time) pins the clock for a drill or a cron rehearsal
 * (`TENANT_CONSOLE_NOW=2027-01-15T00:00:00Z tenantctl jobs run`); unset: the system clock.
 */
export function clockFromEnvironment(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.TENANT_CONSOLE_NOW?.trim();
  if (!pinned) return systemClock;
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) throw new Error(`TENANT_CONSOLE_NOW must be an ISO time such as 2027-01-15T00:00:00Z (got "${pinned}").`);
  return new ManualClock(at);
}

export const DAY_MS = 86_400_000;
export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
