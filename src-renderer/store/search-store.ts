import { create } from 'zustand';
import type { SearchHit } from '../../src-shared/contract/search-channels';
import type { SnapshotMark } from '../../src-shared/contract/offline-models';
import { api } from '../api/client';
import { latestRequest, type LoadStatus } from '../lib/latest-request';

interface SearchState {
  /** Ctrl/⌘-K's palette, and `?`'s list of shortcuts. */
  readonly paletteOpen: boolean;
  readonly shortcutsOpen: boolean;
  /** The text the shown hits answer (the box may be ahead of it while a search runs). */
  readonly answered: string;
  readonly hits: readonly SearchHit[];
  readonly invoicesSearched: boolean;
  readonly snapshot: SnapshotMark | null;
  readonly status: LoadStatus;
  readonly error: string | null;

  openPalette(): void;
  closePalette(): void;
  setShortcutsOpen(open: boolean): void;
  search(text: string): Promise<void>;
}

/** Tenant hits asked for; invoice hits are at most half as many (search:everything). */
export const PALETTE_HITS = 8;

export const useSearchStore = create<SearchState>()((set) => {
  // Only the answer to the latest text is shown: typing fast never shows an older answer.
  const latest = latestRequest();
  return {
    paletteOpen: false,
    shortcutsOpen: false,
    answered: '',
    hits: [],
    invoicesSearched: true,
    snapshot: null,
    status: 'idle',
    error: null,

    openPalette: () => set({ paletteOpen: true, shortcutsOpen: false }),
    closePalette: () => {
      latest.drop();
      set({ paletteOpen: false, answered: '', hits: [], status: 'idle', error: null, snapshot: null });
    },
    setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
    async search(text) {
      const trimmed = text.trim();
      if (trimmed === '') {
        latest.drop();
        set({ answered: '', hits: [], status: 'idle', error: null, snapshot: null });
        return;
      }
      set({ status: 'loading' });
      const outcome = await latest.run(() => api().call('search:everything', { text: trimmed, limit: PALETTE_HITS }));
      if (outcome.stale) return;
      if (outcome.ok) {
        const { hits, invoicesSearched, snapshot } = outcome.value;
        set({ answered: trimmed, hits, invoicesSearched, snapshot: snapshot ?? null, status: 'ready', error: null });
      } else {
        set({ answered: trimmed, hits: [], status: 'error', error: outcome.message });
      }
    },
  };
});
