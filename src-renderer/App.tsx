import { useEffect } from 'react';
import { api } from './api/client';
import { AppLayout } from './components/AppLayout';
import { PAGES } from './pages';
import { TenantsPage } from './features/tenants/TenantsPage';
import { SessionGate } from './features/session/SessionGate';
import { useConnectivityStore } from './store/connectivity-store';
import { applyInvalidation, connectivityTrigger, invalidate, onInvalidate } from './store/invalidation';
import { useNavigationStore } from './store/navigation-store';
import { startHistorySync } from './navigation/history-sync';
import { useDocumentTitle } from './navigation/use-document-title';
import { CommandPalette } from './features/search/CommandPalette';
import { ShortcutsModal } from './features/search/ShortcutsModal';
import { useShortcuts } from './features/search/use-shortcuts';
import { useReferenceStore } from './store/reference-store';
import { RELOADERS } from './store/reloaders';

export function App() {
  return <SessionGate>{(operator) => <ConsoleApp key={operator ?? 'nobody'} />}</SessionGate>;
}

/** The console for one signed-in operator (or, offline since the start, for nobody: the cache). */
function ConsoleApp() {
  const page = useNavigationStore((state) => state.page);
  useDocumentTitle();
  useShortcuts();

  useEffect(() => {
    // The console opens where the address says (Tenants if it says nothing), with plans and
    // settings as main gives them to this operator; from here on the address follows the
    // page, tenant and tab, and Back/Forward move them (navigation/history-sync.ts).
    const stopHistorySync = startHistorySync();
    void useReferenceStore.getState().load();
    void useConnectivityStore.getState().load();
    // Contract events and this window's own changes go through one table (store/invalidation.ts).
    // Subscribing at start also opens the event stream early, so a create's first progress
    // events are not missed while the stream connects.
    const offs = [
      onInvalidate((trigger) => applyInvalidation(trigger, RELOADERS)),
      api().subscribe('tenant:changed', (event) => invalidate({ event: 'tenant:changed', tenantCode: event.tenantCode, version: event.version })),
      api().subscribe('usage:collected', () => invalidate({ event: 'usage:collected' })),
      api().subscribe('console:connectivity', (status) => useConnectivityStore.getState().apply(status)),
      // Offline and back, or a review opened/closed: what is shown comes from elsewhere now.
      useConnectivityStore.subscribe((state, previous) => {
        const trigger = connectivityTrigger(previous.status, state.status);
        if (trigger) invalidate(trigger);
      }),
      // Events sent while the host-mode stream was down are lost: catch up on what is shown.
      api().onReconnect(() => invalidate({ event: 'stream:reconnected' })),
    ];
    return () => {
      stopHistorySync();
      for (const off of offs) off();
    };
  }, []);

  const Page = PAGES.find((entry) => entry.name === page)?.component ?? TenantsPage;
  return (
    <AppLayout>
      <Page />
      <CommandPalette />
      <ShortcutsModal />
    </AppLayout>
  );
}
