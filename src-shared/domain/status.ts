export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'cancelled', 'deleted'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export type StatusAction = 'suspend' | 'activate' | 'cancel';

const ALLOWED_FROM: Readonly<Record<StatusAction, readonly TenantStatus[]>> = {
  suspend: ['active'],
  activate: ['suspended', 'cancelled'],
  cancel: ['active', 'suspended'],
};

export const STATUS_AFTER: Readonly<Record<StatusAction, TenantStatus>> = {
  suspend: 'suspended',
  activate: 'active',
  cancel: 'cancelled',
};

/** Why `action` cannot be applied to a tenant in `status`, or null when it can. */
export function statusActionProblem(action: StatusAction, status: TenantStatus): string | null {
  if (ALLOWED_FROM[action].includes(status)) return null;
  return `Cannot ${action} a tenant that is ${status}.`;
}

export const DEFAULT_CANCELLATION_RETENTION_DAYS = 30;
