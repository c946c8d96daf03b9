import type { ChannelName } from './channels';

/**
 * The console's operator roles. Each is a PostgreSQL group role (`tc_<role>`) that the
 * platform migrations create and grant; an operator's login role is a member of exactly one.
 * Support and billing each include viewer; admin includes both (see docs/operators.md).
 */
export const OPERATOR_ROLES = ['viewer', 'support', 'billing', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const OPERATOR_ROLE_LABELS: Readonly<Record<OperatorRole, string>> = {
  viewer: 'Viewer',
  support: 'Support',
  billing: 'Billing',
  admin: 'Admin',
};

/** The PostgreSQL group role behind each console role. */
export const OPERATOR_GROUP_ROLES: Readonly<Record<OperatorRole, string>> = {
  viewer: 'tc_viewer',
  support: 'tc_support',
  billing: 'tc_billing',
  admin: 'tc_admin',
};

/** Which roles a role includes (PostgreSQL membership: admin ∋ support, billing ∋ viewer). */
const INCLUDES: Readonly<Record<OperatorRole, readonly OperatorRole[]>> = {
  viewer: ['viewer'],
  support: ['support', 'viewer'],
  billing: ['billing', 'viewer'],
  admin: ['admin', 'support', 'billing', 'viewer'],
};

export function roleIncludes(held: OperatorRole, needed: OperatorRole): boolean {
  return INCLUDES[held].includes(needed);
}

/**
 * Who may call a channel, and the action in words ("delete tenants") for the refusal
 * "permission denied: support may not delete tenants". `anyone` is for channels that work
 * before sign-in (the sign-in itself, the console's version and connectivity).
 */
export interface ChannelPermission {
  readonly role: OperatorRole | 'anyone';
  readonly action: string;
}

const view = (action: string): ChannelPermission => ({ role: 'viewer', action });
const support = (action: string): ChannelPermission => ({ role: 'support', action });
const billing = (action: string): ChannelPermission => ({ role: 'billing', action });
const admin = (action: string): ChannelPermission => ({ role: 'admin', action });
const anyone = (action: string): ChannelPermission => ({ role: 'anyone', action });

/**
 * One role decision per channel: a new channel without one does not compile, and the role
 * matrix test runs every mutating channel as every role against PostgreSQL's grants.
 */
export const CHANNEL_PERMISSIONS: { readonly [C in ChannelName]: ChannelPermission } = {
  'app:info': anyone('read the console version'),
  'console:status': anyone('read the connection status'),
  'cache:status': anyone('read the local cache status'),
  'session:current': anyone('see who is signed in'),
  'session:signIn': anyone('sign in'),
  'session:signOut': anyone('sign out'),
  'session:changePassword': view('change their own password'),

  'plans:list': view('list plans'),
  'plans:catalog': view('read the plan catalog'),
  'plans:versions': view('read plan versions'),
  'plans:update': admin('change plans'),
  'plans:previewMove': view('preview moving tenants between plan versions'),
  'plans:moveTenants': admin('move tenants to a new plan version'),
  'priceChanges:preview': view('preview announced price changes'),
  'priceChanges:schedule': admin('schedule price changes'),
  'priceChanges:list': view('list scheduled price changes'),
  'priceChanges:cancel': admin('cancel scheduled price changes'),

  'settings:get': view('read settings'),
  'settings:update': admin('change settings'),
  'settings:serverCheck': view('run the server check'),
  'servers:connections': view('read server connections'),

  'tenants:list': view('list tenants'),
  'tenants:get': view('read tenants'),
  'search:everything': view('search tenants and invoices'),
  'tenants:operations': view('read tenant operations'),
  'tenants:checkSubdomain': view('check subdomains'),
  'tenants:create': admin('create tenants'),
  'tenants:suspend': support('suspend tenants'),
  'tenants:activate': support('activate tenants'),
  'tenants:cancel': admin('cancel tenants'),
  'tenants:delete': admin('delete tenants'),
  'tenants:reconcile': admin('reconcile unfinished operations'),
  'tenants:runScheduledDeletions': admin('run scheduled deletions'),
  // Previews are the first step of the admin-only action they show (the confirm dialog),
  // so they take the action's role: a role that cannot run it has nothing to confirm.
  'tenants:scheduledDeletionsPreview': admin('preview scheduled deletions'),
  'tenants:limits': view('read tenant limits'),
  'tenants:previewPlanChange': view('preview plan changes'),
  'tenants:changePlan': billing('change tenant plans'),
  'tenants:setOverride': admin('set limit overrides'),
  'tenants:revokeOverride': admin('revoke limit overrides'),
  'tenants:planHistory': view('read plan history'),
  'fleet:status': view('read the fleet status'),
  'fleet:migrate': admin('migrate tenant databases'),

  'usage:collect': support('collect usage'),
  'usage:fleet': view('read fleet usage'),
  'usage:tenant': view('read tenant usage'),
  'usage:exportCsv': view('export usage'),

  'onboarding:get': view('read the onboarding checklist'),
  'onboarding:funnel': view('read the sign-up funnel'),

  'audit:list': view('read the audit log'),
  'audit:status': view('read the audit status'),
  'audit:verify': view('verify the audit chain'),
  'audit:export': view('export the audit log'),

  'backups:list': view('list backups'),
  'backups:create': support('back up tenants'),
  'backups:verify': view('verify backups'),
  'backups:restore': admin('restore tenants'),
  'backups:export': support('export tenant data'),
  'backups:prune': admin('prune backups'),
  'backups:prunePreview': admin('preview backup pruning'),
  'backups:getSettings': view('read backup settings'),
  'backups:updateSettings': admin('change backup settings'),
  'jobs:cancel': support('cancel running jobs'),

  'snapshot:export': view('export a snapshot'),
  'snapshot:import': view('review a snapshot'),
  'snapshot:closeReview': view('close a snapshot review'),

  'billing:overview': view('read billing'),
  'billing:tenant': view('read a tenant’s billing'),
  'billing:settings': view('read billing settings'),
  'billing:updateSettings': billing('change billing settings'),
  'billing:testEmail': billing('send test e-mails'),
  'billing:quotePlanChange': view('quote plan changes'),
  'billing:changePlan': billing('change subscriptions'),
  'billing:cancelSubscription': billing('cancel subscriptions'),
  'billing:resumeSubscription': billing('resume subscriptions'),
  'billing:setPaymentMethod': billing('set payment methods'),
  'billing:setConversionPlan': billing('set conversion plans'),
  'billing:runJobs': billing('run billing jobs'),
  'billing:jobRuns': view('read billing job runs'),
  'billing:syncStripe': billing('sync with Stripe'),
  'billing:stripePrices': view('read Stripe prices'),
  'billing:linkStripePrice': billing('link Stripe prices'),
  'billing:notices': view('read billing notices'),
  'invoices:list': view('list invoices'),
  'invoices:get': view('read invoices'),
  'invoices:pdf': view('download invoices'),
  'invoices:create': billing('create invoices'),
  'invoices:finalize': billing('finalize invoices'),
  'invoices:void': billing('void invoices'),
  'invoices:recordPayment': billing('record payments'),

  'operators:list': admin('list operators'),
  'operators:add': admin('add operators'),
  'operators:setRole': admin('change operator roles'),
  'operators:disable': admin('disable operators'),
  'operators:enable': admin('enable operators'),
  'operators:resetPassword': admin('reset operator passwords'),

  'tenants:checkLimit': view('check tenant limits'),
  'tenants:latestUsage': view('read the latest usage of tenants'),
  'tenants:rotateCredentials': admin('rotate tenant credentials'),
  'apiKeys:list': view('list API keys'),
  'apiKeys:create': admin('create API keys'),
  'apiKeys:revoke': admin('revoke API keys'),
  'api:status': admin('read the tenant API status'),
  'api:start': admin('start the tenant API'),
  'api:stop': admin('stop the tenant API'),
};

/** "permission denied: support may not delete tenants" — the CLI prints it and exits 8. */
export function permissionDeniedMessage(held: OperatorRole, channel: ChannelName): string {
  return `permission denied: ${held} may not ${CHANNEL_PERMISSIONS[channel].action}`;
}

/** "Your role (Support) cannot delete tenants" — the renderer's reason on a disabled action. */
export function roleCannotMessage(held: OperatorRole, channel: ChannelName): string {
  return `Your role (${OPERATOR_ROLE_LABELS[held]}) cannot ${CHANNEL_PERMISSIONS[channel].action}`;
}

export function mayCall(held: OperatorRole | null, channel: ChannelName): boolean {
  const needed = CHANNEL_PERMISSIONS[channel].role;
  if (needed === 'anyone') return true;
  return held !== null && roleIncludes(held, needed);
}
