import { useNavigationStore } from '../store/navigation-store';
import { useTenantDetailStore } from '../store/tenant-detail-store';
import { useTenantsStore } from '../store/tenants-store';
import { formatAddress, HOME_ADDRESS, parseAddress, samePlace, type Address } from './address';
import { tenantQueryFromParams, tenantQueryToParams } from './tenant-query-params';

/** Where the stores say the console is. */
export function currentAddress(): Address {
  const { page } = useNavigationStore.getState();
  const { selectedCode, tab } = useTenantDetailStore.getState();
  return {
    page,
    tenantCode: selectedCode,
    tab: selectedCode && tab !== 'overview' ? tab : null,
    params: page === 'tenants' ? tenantQueryToParams(useTenantsStore.getState().query) : {},
  };
}

/** Puts the stores where an address says (an opened link, a reload, Back or Forward). */
export function applyAddress(address: Address): void {
  const navigation = useNavigationStore.getState();
  if (navigation.page !== address.page) navigation.go(address.page);
  if (address.page === 'tenants') useTenantsStore.getState().applyQuery(tenantQueryFromParams(address.params));
  const detail = useTenantDetailStore.getState();
  const tab = address.tab ?? 'overview';
  if (address.tenantCode === null) {
    if (detail.selectedCode !== null) detail.close();
  } else if (detail.selectedCode !== address.tenantCode) {
    detail.open(address.tenantCode, tab);
  } else if (detail.tab !== tab) {
    detail.setTab(tab);
  }
}

/**
 * Keeps the URL's fragment and the stores in step, both ways (address.ts says why the
 * fragment). A new page, tenant or tab adds a history entry, so Back returns to it; a filter
 * or sort change replaces the entry (typing a search does not fill the history). Returns the
 * function that stops it.
 */
export function startHistorySync(win: Window = window): () => void {
  let applying = false;
  const shown = () => parseAddress(win.location.hash);

  const write = (mode: 'push' | 'replace') => {
    const next = formatAddress(currentAddress());
    // Compared with the fragment as it is: a link's unknown page or bad code is rewritten too.
    if (next === win.location.hash) return;
    // The console opened without an address (the printed URL): it stays as clean as it opened.
    if (win.location.hash === '' && next === formatAddress(HOME_ADDRESS)) return;
    const url = `${win.location.pathname}${win.location.search}${next}`;
    if (mode === 'push') win.history.pushState(null, '', url);
    else win.history.replaceState(win.history.state, '', url);
  };

  const followLocation = () => {
    applying = true;
    try {
      applyAddress(shown());
    } finally {
      applying = false;
    }
    // An unknown page or a bad code in the link: show the address of what is on screen.
    write('replace');
  };

  const followStores = () => {
    if (applying) return;
    write(samePlace(shown(), currentAddress()) ? 'replace' : 'push');
  };

  followLocation();
  const offs = [
    useNavigationStore.subscribe(followStores),
    useTenantDetailStore.subscribe((state, previous) => {
      if (state.selectedCode !== previous.selectedCode || state.tab !== previous.tab) followStores();
    }),
    useTenantsStore.subscribe((state, previous) => {
      if (state.query !== previous.query) followStores();
    }),
  ];
  // popstate: Back/Forward between entries; hashchange: a fragment typed or pasted in the address bar.
  win.addEventListener('popstate', followLocation);
  win.addEventListener('hashchange', followLocation);
  return () => {
    for (const off of offs) off();
    win.removeEventListener('popstate', followLocation);
    win.removeEventListener('hashchange', followLocation);
  };
}
