import { create } from 'zustand';
import type { PageName } from '../navigation/page-names';

export type { PageName };

interface NavigationState {
  readonly page: PageName;
  go(page: PageName): void;
}

/**
 * Which page the navbar shows; Tenants is where the console opens. The address bar follows
 * it (and it follows the address on load, Back and Forward): navigation/history-sync.ts.
 */
export const useNavigationStore = create<NavigationState>()((set) => ({
  page: 'tenants',
  go: (page) => set({ page }),
}));
