/**
 * Idempotency keys of the lifecycle's notices: one notice per key, ever. Several are also
 * built in SQL (to select only tenants still missing theirs), so each format is written
 * once here and mirrored next to its query.
 */
export const noticeKeys = {
  welcome: (tenantId: string) => `welcome:${tenantId}`,
  /** Per trial end date: a trial extended by an operator gets a notice for its new end. */
  trialEnding: (tenantId: string, trialEndsAt: Date) => `trial_ending:${tenantId}:${trialEndsAt.toISOString().slice(0, 10)}`,
  /** Per grace episode (its start, in epoch ms). */
  episode: (kind: 'trial_ended' | 'payment_failed' | 'suspended' | 'reactivated', tenantId: string, episodeStart: Date) =>
    `${kind}:${tenantId}:${episodeStart.getTime()}`,
  /** Per resource and calendar month (UTC, YYYY-MM). */
  limit: (kind: 'limit_warning' | 'limit_reached', tenantId: string, resource: string, month: string) => `${kind}:${tenantId}:${resource}:${month}`,
};

/** The clock's calendar month (UTC): 2027-01. */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
