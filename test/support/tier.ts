/**
 * The two test tiers. `npm test` runs the fast tier: every capability end to end, on the
 * embedded PostgreSQL, at a scale that proves the code path. `npm run test:full`
 * (TENANT_CONSOLE_TEST_TIER=full, what CI runs) adds the external PostgreSQL 15, the issue's
 * scale figures (1,000,000 audit events, 100,000-row backups), a kill at every journaled
 * step and the embedded-server sharing between processes.
 *
 * Plain functions of the environment, so vitest files, Playwright specs and their helpers
 * share them.
 */
export const TIER_ENV = 'TENANT_CONSOLE_TEST_TIER';

export const fullTier: boolean = process.env[TIER_ENV] === 'full';

/** The fast tier's figure, or the full tier's. */
export function tierScale<T>(fast: T, full: T): T {
  return fullTier ? full : fast;
}

/** Why a full-tier-only case does not run now, in one line the runner prints. */
export function fullTierOnlyReason(what: string): string {
  return `${what}: full tier only (npm run test:full, or ${TIER_ENV}=full)`;
}

/**
 * `true` when the case should be skipped (fast tier); says so once on the console, so a
 * skipped case is never silent. Use as `describe.skipIf(fullTierOnly('…'))` or
 * `test.skip(fullTierOnly('…'), …)`.
 */
export function fullTierOnly(what: string): boolean {
  if (fullTier) return false;
  console.log(`[skip] ${fullTierOnlyReason(what)}`);
  return true;
}
