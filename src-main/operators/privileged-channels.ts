import type { ChannelName } from '../../src-shared/contract/channels';

/**
 * Channels whose work needs more than any operator role may hold on the platform database,
 * and why. They run on the console's own connection — only after PostgreSQL confirmed the
 * caller's membership on the caller's own connection (authorize.ts), and with the caller
 * named in the journal and the audit log. Every other channel runs on the operator's
 * connection, where the grants of platform migration 011 decide.
 */
export const PRIVILEGED_CHANNELS: Readonly<Partial<Record<ChannelName, string>>> = {
  'tenants:create': 'CREATE ROLE commits with its journal step (one transaction on the platform database)',
  'backups:restore': 'creates a database and a role, and may replace a tenant’s',
  'tenants:delete': 'DROP DATABASE and DROP ROLE, with their journal steps',
  'tenants:runScheduledDeletions': 'DROP DATABASE and DROP ROLE, with their journal steps',
  'tenants:reconcile': 'finishes or rolls back any operation: creating and dropping roles and databases',
  'settings:serverCheck': 'reads pg_hba_file_rules and pg_authid (superuser-only catalogs)',
  'servers:connections': 'reads every session of the server (pg_stat_activity) and its reserved slots',
  'usage:collect': 'writes the usage it measured in the tenant databases: support may ask for a run, never write usage figures (they bill overage)',
  'fleet:migrate': 'migrates tenant databases as their owner',
  'tenants:rotateCredentials': 'ALTER ROLE … PASSWORD of the tenant’s role, its fingerprint (a table no operator role may read) and ending its sessions',
  'billing:runJobs':
    'the lifecycle run the scheduler makes as the console: besides billing’s own work it suspends and cancels tenants for non-payment, with a backup first (support’s kind of work, which billing’s grants rightly do not allow)',
};

export function isPrivilegedChannel(channel: ChannelName): boolean {
  return channel in PRIVILEGED_CHANNELS;
}
