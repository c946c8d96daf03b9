export { createErpKit, ErpKit, refuseUnlessActive, type ErpKitOptions, type TenantHandle, type TenantRequest } from './erp-kit.js';
export { TenantResolver, ResolverError, normalizeHost, normalizeTenantCode, RESOLVER_DEFAULTS, type ResolvedTenant, type TenantConnection, type TenantResolverOptions } from './resolver.js';
export { TenantPools, PoolsBusyError, POOL_DEFAULTS, type CredentialsFor, type TenantPoolsOptions, type TenantSecret } from './tenant-pools.js';
export { checkLimit, type LimitCheck, type LimitResource, type Queryable } from './check-limit.js';
export { LIMIT_SQLSTATE, limitDetails, accountAdminLimit, isLoginRefused, isSessionEnded } from './sqlstate.js';
export { acceptInvitation, ACCOUNT_ADMINS_SQLSTATE, INVITATION_SQLSTATE } from './invitations.js';
export {
  TenantKitError,
  isTenantKitError,
  SUSPENDED_MESSAGE,
  CANCELLED_MESSAGE,
  UNKNOWN_TENANT_MESSAGE,
  UNAVAILABLE_MESSAGE,
  type KitErrorBody,
  type KitErrorCode,
  type LimitDetails,
} from './answers.js';
