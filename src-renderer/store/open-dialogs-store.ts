import { create } from 'zustand';

interface OpenDialogsState {
  /** Dialogs (components/Modal.tsx) open right now, wherever they were opened from. */
  readonly count: number;
}

/**
 * Escape closes only the topmost layer. Mantine's drawer and modals each listen for Escape
 * on the window, so a dialog opened from the tenant drawer would close the drawer with it;
 * the drawer reads this count and leaves Escape to the dialog while one is open.
 */
export const useOpenDialogsStore = create<OpenDialogsState>()(() => ({ count: 0 }));

export function dialogOpened(): () => void {
  useOpenDialogsStore.setState((state) => ({ count: state.count + 1 }));
  return () => useOpenDialogsStore.setState((state) => ({ count: state.count - 1 }));
}
