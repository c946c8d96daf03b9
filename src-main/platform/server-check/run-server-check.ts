import { FINDING_SEVERITIES, type ServerCheckReport } from '../../../src-shared/contract/server-check-channels';
import type { PlatformContext } from '../platform-context';
import { hbaTrustLines } from './hba-trust';
import { publicConnectableDatabases } from './public-databases';
import { tenantRolePasswords, tenantRoleSettings } from './tenant-roles';

/**
 * The server check (Settings page, `tenantctl doctor`): what on the console's server lets a
 * tenant reach past its own database, or shows a tenant changed what the console set for
 * its role. Read-only; the same on the embedded server (where the console closes what it
 * can: embedded-hardening.ts) and on an external one (the operator's to fix).
 */
export async function runServerCheck(ctx: PlatformContext): Promise<ServerCheckReport> {
  const admin = ctx.primary.adminPool;
  const groups = await Promise.all([publicConnectableDatabases(admin), hbaTrustLines(admin), tenantRoleSettings(ctx.pool), tenantRolePasswords(ctx.pool)]);
  // Most severe first (a stable sort: each check's own order stays).
  const findings = groups.flat().sort((a, b) => FINDING_SEVERITIES.indexOf(a.severity) - FINDING_SEVERITIES.indexOf(b.severity));
  return { ok: findings.length === 0, findings };
}
