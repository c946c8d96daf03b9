export const PRODUCT_TITLE = 'Tenant Console';

/**
 * The window's title: the tenant (name and code) and its tab when its drawer is open, then
 * the page — "Müller GmbH (MUL001) · Billing — Tenants — Tenant Console". Set as
 * document.title; the desktop window follows the page's title (main does not override it).
 */
export function documentTitle(parts: { page: string; tenantCode: string | null; companyName: string | null; tab: string | null }): string {
  const segments: string[] = [];
  if (parts.tenantCode) {
    const tenant = parts.companyName ? `${parts.companyName} (${parts.tenantCode})` : parts.tenantCode;
    segments.push(parts.tab ? `${tenant} · ${parts.tab}` : tenant);
  }
  segments.push(parts.page, PRODUCT_TITLE);
  return segments.join(' — ');
}
