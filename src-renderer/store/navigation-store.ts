import { create } from 'zustand';

/** The pages the navbar switches between; Tenants is where the console opens. */
export type PageName = 'tenants' | 'settings';

interface NavigationState {
  readonly page: PageName;
  go(page: PageName): void;
}

export const useNavigationStore = create<NavigationState>()((set) => ({
  page: 'tenants',
  go: (page) => set({ page }),
}));
