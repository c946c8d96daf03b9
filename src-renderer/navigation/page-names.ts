/**
 * The console's pages by name, without their components: the address module and its unit
 * tests use these; pages.tsx gives each one its label, icon and component (and fails to
 * compile if a name here has no page there).
 */
export const PAGE_NAMES = ['tenants', 'usage', 'plans', 'audit', 'billing', 'operators', 'settings'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** The tenant drawer's tabs by name (detail-tabs.tsx gives each its label and panel). */
export const TENANT_TAB_NAMES = ['overview', 'usage', 'billing', 'activity', 'backups'] as const;
export type TenantTabName = (typeof TENANT_TAB_NAMES)[number];

export function isPageName(value: string): value is PageName {
  return (PAGE_NAMES as readonly string[]).includes(value);
}

export function isTenantTabName(value: string): value is TenantTabName {
  return (TENANT_TAB_NAMES as readonly string[]).includes(value);
}
