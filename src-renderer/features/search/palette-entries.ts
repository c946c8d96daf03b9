import type { SearchHit, SearchMatchField } from '../../../src-shared/contract/search-channels';
import { foldForSearch } from '../../../src-shared/domain/search-fold';
import type { PageName, TenantTabName } from '../../navigation/page-names';

/** One row of the Ctrl/⌘-K palette and where choosing it goes. */
export type PaletteEntry =
  | { readonly kind: 'page'; readonly id: string; readonly page: PageName; readonly label: string; readonly description: string }
  | { readonly kind: 'tenant' | 'invoice'; readonly id: string; readonly hit: SearchHit; readonly tab: TenantTabName };

export const MATCH_LABELS: Readonly<Record<SearchMatchField, string>> = {
  tenantCode: 'Code',
  companyName: 'Company',
  subdomain: 'Subdomain',
  adminEmail: 'Admin e-mail',
  invoiceNumber: 'Invoice',
};

/**
 * Pages whose name matches the text (accents ignored, as the tenants), then main's hits:
 * tenants open on their overview, invoices on the tenant's Billing tab. No text: the pages.
 */
export function paletteEntries(text: string, hits: readonly SearchHit[], pages: ReadonlyArray<{ name: PageName; label: string; description: string }>): PaletteEntry[] {
  const folded = foldForSearch(text.trim());
  const pageEntries: PaletteEntry[] = pages
    .filter((page) => folded === '' || foldForSearch(page.label).includes(folded))
    .map((page) => ({ kind: 'page', id: `page-${page.name}`, page: page.name, label: page.label, description: page.description }));
  const hitEntries: PaletteEntry[] = hits.map((hit) =>
    hit.kind === 'invoice'
      ? { kind: 'invoice', id: `invoice-${hit.invoiceNumber ?? ''}`, hit, tab: 'billing' }
      : { kind: 'tenant', id: `tenant-${hit.tenantCode}`, hit, tab: 'overview' },
  );
  return folded === '' ? pageEntries : [...hitEntries, ...pageEntries];
}
