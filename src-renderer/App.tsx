import { useEffect } from 'react';
import { api } from './api/client';
import { AppLayout } from './components/AppLayout';
import { PAGES } from './pages';
import { TenantsPage } from './features/tenants/TenantsPage';
import { useNavigationStore } from './store/navigation-store';
import { useReferenceStore } from './store/reference-store';
import { useTenantDetailStore } from './store/tenant-detail-store';
import { useTenantPlanStore } from './store/tenant-plan-store';
import { useTenantsStore } from './store/tenants-store';
import { useUsageStore } from './store/usage-store';
import { onConnectivityChange, useConnectivityStore } from './store/connectivity-store';

export function App() {
  const page = useNavigationStore((state) => state.page);

  useEffect(() => {
    void useReferenceStore.getState().load();
    // Subscribing at start also opens the event stream early, so a create's first progress
    // events are not missed while the stream connects.
    const offChanged = api().subscribe('tenant:changed', (event) => {
      useTenantsStore.getState().refreshSoon();
      useTenantDetailStore.getState().onTenantChanged(event);
    });
    const offCollected = api().subscribe('usage:collected', (summary) => useUsageStore.getState().onCollected(summary));
    // Events sent while the host-mode stream was down are lost: catch up on what is shown.
    const offReconnect = api().onReconnect(() => {
      useTenantsStore.getState().refreshSoon();
      if (useTenantDetailStore.getState().selectedCode) void useTenantDetailStore.getState().reload();
    });
    // Offline and back, or a review opened/closed: what is shown comes from elsewhere now.
    void useConnectivityStore.getState().load();
    const offConnectivity = api().subscribe('console:connectivity', (status) => useConnectivityStore.getState().apply(status));
    const offSource = onConnectivityChange((now, before) => {
      if (before && now.online === before.online && (now.review?.importedAt ?? null) === (before.review?.importedAt ?? null)) return;
      useTenantsStore.getState().refreshSoon();
      if (useTenantDetailStore.getState().selectedCode) void useTenantDetailStore.getState().reload();
      useUsageStore.getState().refreshIfLoaded();
      // The drawer's Usage & plan figures (the store keeps the last tenant shown: only if it is still open).
      const shown = useTenantDetailStore.getState().selectedCode;
      if (shown && useTenantPlanStore.getState().tenantCode === shown) useTenantPlanStore.getState().reload();
      if (now.online && before && !before.online) void useReferenceStore.getState().load();
    });
    const offReconnectStatus = api().onReconnect(() => void useConnectivityStore.getState().load());
    return () => {
      offChanged();
      offCollected();
      offReconnect();
      offConnectivity();
      offSource();
      offReconnectStatus();
    };
  }, []);

  const Page = PAGES.find((entry) => entry.name === page)?.component ?? TenantsPage;
  return (
    <AppLayout>
      <Page />
    </AppLayout>
  );
}
