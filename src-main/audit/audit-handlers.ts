import type { PlatformContext } from '../platform/platform-context';
import { AppError } from '../base/app-error';
import type { Handlers } from '../base/handler-types';
import { isConnectionFailure } from '../postgres/errors';
import { exportEvents } from './audit-export';
import type { AuditService } from './audit-service';
import { iterateFleet, listFleet, verifyFleetChain } from './platform-audit-store';

type AuditHandlers = Pick<Handlers, 'audit:list' | 'audit:verify' | 'audit:export' | 'audit:status' | 'cache:status'>;

function localStore(audit: AuditService) {
  if (!audit.local) throw new AppError('INVALID_STATE', audit.problem ?? 'The local cache is not open.');
  return audit.local;
}

/** The Audit page's and `tenantctl audit`'s reads: the fleet log (platform) or this console's (cache). */
export function createAuditHandlers(ctx: PlatformContext, audit: AuditService): AuditHandlers {
  return {
    'audit:list': async ({ source, cursor, limit, includeTotal, ...filters }) => {
      const page = { ...(cursor !== undefined ? { cursor } : {}), limit, includeTotal };
      return source === 'local' ? localStore(audit).list(filters, page) : listFleet(ctx.pool, filters, page);
    },
    'audit:verify': async ({ includePlatform }) => {
      const local = localStore(audit);
      const report = local.verify();
      let platform = null;
      let platformProblem: string | null = includePlatform ? null : 'Not checked.';
      if (includePlatform) {
        try {
          platform = await verifyFleetChain(ctx.pool, audit.consoleId!);
          // The copy must also be the same events: compare the platform's last hash with ours at that seq.
          if (platform.lastSeq > 0) {
            const ours = local.hashAt(platform.lastSeq);
            const { rows } = await ctx.pool.query<{ hash: string }>('SELECT hash FROM audit_events WHERE console_id = $1 AND seq = $2', [audit.consoleId, platform.lastSeq]);
            if (ours !== rows[0]?.hash) {
              const message = `The platform copy and the local log differ at event ${platform.lastSeq}: one of them was rewritten.`;
              platform = { ...platform, ok: false, breaks: [...platform.breaks, { kind: 'edited' as const, seq: platform.lastSeq, id: null, message }] };
            }
          }
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          platformProblem = 'The platform database is not answering; only the local log was checked.';
        }
      }
      return { consoleId: audit.consoleId!, local: report, platform, platformProblem };
    },
    'audit:export': async ({ source, format, maxRows, ...filters }) => {
      const rows = source === 'local' ? localStore(audit).iterate(filters, maxRows + 1) : iterateFleet(ctx.pool, filters, maxRows + 1);
      return exportEvents(rows, format, maxRows, source);
    },
    'audit:status': async () => audit.status(),
    'cache:status': async () => audit.cacheStatus,
  };
}
