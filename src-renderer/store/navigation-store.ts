import { create } from 'zustand';
import type { PageName } from '../pages';

export type { PageName };

interface NavigationState {
  readonly page: PageName;
  go(page: PageName): void;
}

/** Which page the navbar shows; Tenants is where the console opens. */
export const useNavigationStore = create<NavigationState>()((set) => ({
  page: 'tenants',
  go: (page) => set({ page }),
}));
