import type pg from 'pg';
import type { UsageCollection } from '../usage/collector';
import { recordActivity, type ActivitySeen } from './onboarding-store';

/**
 * The usage collection's hook (UsageService.onCollected): the checklist's first sign-in,
 * first company and first transaction come from what the collector already read in each
 * tenant database — no connection of the checklist's own. A failed read says nothing.
 */
export async function recordOnboardingFromUsage(pool: pg.Pool, collection: UsageCollection): Promise<void> {
  const seen: ActivitySeen[] = [];
  for (const row of collection.rows) {
    if (row.error !== null || !row.figures) continue;
    seen.push({
      tenantId: row.tenantId,
      companies: row.figures.companies,
      anyTransaction: row.figures.activity?.anyTransaction ?? row.figures.transactionsMonth > 0,
      lastSignInAt: row.figures.activity?.firstSeenSignInAt ?? null,
      seenAt: row.readAt ?? new Date(),
    });
  }
  await recordActivity(pool, seen);
}
