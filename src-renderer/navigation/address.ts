import { TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';
import { isPageName, isTenantTabName, type PageName, type TenantTabName } from './page-names';

/**
 * Where the console is: the page, the tenant whose drawer is open and its tab, and the
 * page's filters. Written in the URL's fragment — `#/tenants/ACME001/billing?status=active`.
 *
 * Why the fragment (hash routing) rather than the path (history routing): the one bundle runs
 * in two hosts. In host mode, sirv serves only files that exist and the page's assets are
 * relative (vite `base: './'`), so a reload of `/tenants/ACME001/billing` would be a 404 or
 * load `/tenants/ACME001/assets/…`; the real query string also carries host mode's one-time
 * `?token=`. In Electron the page is app://console/index.html and every renderer-initiated
 * navigation is refused (guardWebContents). A fragment is never sent to a server, is kept
 * by a reload in both, and Back/Forward between fragments is in-page navigation (popstate):
 * no server fallback, no asset base change, no change to the window's navigation guard.
 */
export interface Address {
  readonly page: PageName;
  /** The tenant whose drawer is open (upper case), or null. */
  readonly tenantCode: string | null;
  /** The drawer's tab; null is the first tab (overview), which the address leaves out. */
  readonly tab: TenantTabName | null;
  /** The page's own filters, as the page's codec writes them (tenant-query-params.ts). */
  readonly params: Readonly<Record<string, string>>;
}

export const HOME_ADDRESS: Address = { page: 'tenants', tenantCode: null, tab: null, params: {} };

/**
 * Reads `#/page[/CODE[/tab]][?filters]` leniently: what it cannot place is dropped (an unknown
 * page is the Tenants page, an invalid code or tab is no drawer or the first tab).
 */
export function parseAddress(fragment: string): Address {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const queryAt = text.indexOf('?');
  const path = queryAt === -1 ? text : text.slice(0, queryAt);
  const query = queryAt === -1 ? '' : text.slice(queryAt + 1);
  const segments = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return '';
      }
    });
  const [pageSegment = '', codeSegment = '', tabSegment = ''] = segments;
  const page = isPageName(pageSegment) ? pageSegment : HOME_ADDRESS.page;
  const code = codeSegment.toUpperCase();
  const tenantCode = page === pageSegment && TENANT_CODE_PATTERN.test(code) ? code : null;
  const tab = tenantCode && isTenantTabName(tabSegment) && tabSegment !== 'overview' ? tabSegment : null;
  const params: Record<string, string> = {};
  if (page === pageSegment) {
    for (const [key, value] of new URLSearchParams(query)) if (!(key in params)) params[key] = value;
  }
  return { page, tenantCode, tab, params };
}

/** The canonical fragment for an address (parseAddress(formatAddress(a)) equals a). */
export function formatAddress(address: Address): string {
  let path = `#/${address.page}`;
  if (address.tenantCode) {
    path += `/${encodeURIComponent(address.tenantCode)}`;
    if (address.tab && address.tab !== 'overview') path += `/${address.tab}`;
  }
  const query = new URLSearchParams(Object.entries(address.params).filter(([, value]) => value !== '')).toString();
  return query ? `${path}?${query}` : path;
}

/** Same place, different filters only: such a change replaces the history entry rather than adding one. */
export function samePlace(a: Address, b: Address): boolean {
  return a.page === b.page && a.tenantCode === b.tenantCode && (a.tab ?? 'overview') === (b.tab ?? 'overview');
}
