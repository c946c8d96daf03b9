import { useEffect } from 'react';
import { api } from './api/client';
import { AppLayout } from './components/AppLayout';
import { TenantsPage } from './features/tenants/TenantsPage';
import { useReferenceStore } from './store/reference-store';
import { useTenantDetailStore } from './store/tenant-detail-store';
import { useTenantsStore } from './store/tenants-store';

export function App() {
  useEffect(() => {
    void useReferenceStore.getState().load();
    // Subscribing at start also opens the event stream early, so a create's first progress
    // events are not missed while the stream connects.
    return api().subscribe('tenant:changed', (event) => {
      useTenantsStore.getState().refreshSoon();
      useTenantDetailStore.getState().onTenantChanged(event);
    });
  }, []);

  return (
    <AppLayout>
      <TenantsPage />
    </AppLayout>
  );
}
