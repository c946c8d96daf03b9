import { useEffect } from 'react';
import { TENANT_DETAIL_TABS } from '../features/tenants/detail/detail-tabs';
import { PAGES } from '../pages';
import { useNavigationStore } from '../store/navigation-store';
import { useTenantDetailStore } from '../store/tenant-detail-store';
import { documentTitle } from './document-title';

/** Keeps document.title naming the page, and the tenant and tab whose drawer is open. */
export function useDocumentTitle(): void {
  const page = useNavigationStore((state) => state.page);
  const tenantCode = useTenantDetailStore((state) => state.selectedCode);
  const tab = useTenantDetailStore((state) => state.tab);
  const companyName = useTenantDetailStore((state) => (state.detail && state.detail.tenantCode === state.selectedCode ? state.detail.companyName : null));
  useEffect(() => {
    const pageLabel = PAGES.find((entry) => entry.name === page)?.label ?? page;
    const tabLabel = tenantCode ? (TENANT_DETAIL_TABS.find((entry) => entry.value === tab)?.label ?? null) : null;
    document.title = documentTitle({ page: pageLabel, tenantCode, companyName, tab: tabLabel });
  }, [page, tenantCode, tab, companyName]);
}
