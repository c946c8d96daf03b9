import { useEffect } from 'react';
import { api } from '../../api/client';
import { isTypingTarget, shortcutFor, type ShortcutContext } from '../../navigation/shortcuts';
import { useOpenDialogsStore } from '../../store/open-dialogs-store';
import { useSearchStore } from '../../store/search-store';
import { useTenantDetailStore } from '../../store/tenant-detail-store';

export function keyboardContext(): Omit<ShortcutContext, 'typing'> {
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform;
  return { mac: /mac|iphone|ipad/i.test(platform), desktop: api().transport === 'preload' };
}

/** The page's own search box (inputs marked `data-page-search`), if one is on screen. */
function pageSearch(): HTMLElement | null {
  for (const element of document.querySelectorAll<HTMLElement>('[data-page-search]')) {
    if (element.offsetParent !== null) return element;
  }
  return null;
}

/** The console's keys (navigation/shortcuts.ts), listened for on the window while the console is shown. */
export function useShortcuts(): void {
  useEffect(() => {
    const context = keyboardContext();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const action = shortcutFor(event, { ...context, typing: isTypingTarget(event.target) });
      if (!action) return;
      const search = useSearchStore.getState();
      // A dialog open (other than the palette itself) keeps its keys: only Ctrl/⌘-K reaches past it.
      const dialogOpen = useOpenDialogsStore.getState().count > 0;
      if (action === 'palette') {
        event.preventDefault();
        if (search.paletteOpen) search.closePalette();
        else search.openPalette();
        return;
      }
      if (dialogOpen) return;
      event.preventDefault();
      if (action === 'shortcuts') search.setShortcutsOpen(true);
      else if (action === 'back') window.history.back();
      else if (action === 'forward') window.history.forward();
      else {
        // Under the tenant drawer the page's box cannot take focus: search everything instead.
        const box = useTenantDetailStore.getState().selectedCode === null ? pageSearch() : null;
        if (box) box.focus();
        else search.openPalette();
      }
    };
    // Mouse back/forward buttons in the desktop app (a browser handles them itself).
    const onMouseUp = (event: MouseEvent) => {
      if (!context.desktop) return;
      if (event.button === 3) window.history.back();
      if (event.button === 4) window.history.forward();
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('mouseup', onMouseUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('mouseup', onMouseUp);
    };
  }, []);
}
