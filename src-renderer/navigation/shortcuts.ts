/**
 * The console's keyboard shortcuts: which key does what (pure, unit-tested), and the list
 * `?` shows. Typing in a field is never taken over, except by Ctrl/⌘-K, which opens the
 * search from anywhere.
 */
export type ShortcutAction = 'palette' | 'focusSearch' | 'shortcuts' | 'back' | 'forward';

export interface ShortcutKey {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

export interface ShortcutContext {
  /** The key went to a text field, a select or an editable element. */
  readonly typing: boolean;
  readonly mac: boolean;
  /**
   * The desktop app: Chromium's own Back/Forward keys belong to the browser's window, which
   * Electron does not have, so the page does them there (and only there: in a browser they would go twice).
   */
  readonly desktop: boolean;
}

export function shortcutFor(event: ShortcutKey, context: ShortcutContext): ShortcutAction | null {
  const mod = context.mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (mod && !event.altKey && event.key.toLowerCase() === 'k') return 'palette';
  if (context.typing) return null;
  if (context.desktop) {
    if (context.mac && mod && !event.altKey && event.key === '[') return 'back';
    if (context.mac && mod && !event.altKey && event.key === ']') return 'forward';
    if (!context.mac && event.altKey && !event.ctrlKey && !event.metaKey && event.key === 'ArrowLeft') return 'back';
    if (!context.mac && event.altKey && !event.ctrlKey && !event.metaKey && event.key === 'ArrowRight') return 'forward';
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key === '/') return 'focusSearch';
  if (event.key === '?') return 'shortcuts';
  return null;
}

export interface ShortcutHelp {
  readonly keys: readonly string[];
  readonly what: string;
}

/** What `?` lists, with this machine's key names. */
export function shortcutList(context: Pick<ShortcutContext, 'mac' | 'desktop'>): ShortcutHelp[] {
  const mod = context.mac ? '⌘' : 'Ctrl';
  const back = context.mac ? [mod, '['] : ['Alt', '←'];
  const forward = context.mac ? [mod, ']'] : ['Alt', '→'];
  return [
    { keys: [mod, 'K'], what: 'Search tenants, admin e-mails, subdomains and invoice numbers' },
    { keys: ['/'], what: "Focus the page's search (or open the search where the page has none)" },
    { keys: ['?'], what: 'Show these shortcuts' },
    { keys: ['↑', '↓', 'Enter'], what: 'Move through the search results and open one' },
    { keys: ['Esc'], what: 'Close the topmost dialog or drawer' },
    { keys: back, what: 'Back to the previous page, tenant or tab' },
    { keys: forward, what: 'Forward again' },
  ];
}

/** What isTypingTarget reads of an element (typed here, so the unit tests need no DOM). */
interface ElementLike {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  getAttribute(name: string): string | null;
}

/** The element a key went to takes text: the shortcut keys are its own there. */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof (target as ElementLike).tagName !== 'string') return false;
  const element = target as ElementLike;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = (element.getAttribute('type') ?? 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
  }
  return element.isContentEditable === true;
}
