import { describe, expect, it } from 'vitest';
import { foldForSearch, sqlFoldReplacements } from '../../src-shared/domain/search-fold';
import { paletteEntries } from '../../src-renderer/features/search/palette-entries';
import { shortcutFor, isTypingTarget, type ShortcutKey } from '../../src-renderer/navigation/shortcuts';
import type { SearchHit } from '../../src-shared/contract/search-channels';

describe('foldForSearch (accents and case ignored)', () => {
  it('makes "Muller" and "Müller" the same, precomposed or decomposed', () => {
    expect(foldForSearch('Müller')).toBe('muller');
    expect(foldForSearch('Mu\u0308ller')).toBe('muller');
    expect(foldForSearch('MÜLLER')).toBe('muller');
    expect(foldForSearch('São Paulo')).toBe('sao paulo');
    expect(foldForSearch('Crème Brûlée')).toBe('creme brulee');
    expect(foldForSearch('Łódź')).toBe('lodz');
    expect(foldForSearch('Ærøskøbing')).toBe('aeroskobing');
    expect(foldForSearch('Straße')).toBe('strasse');
    expect(foldForSearch('Þórsdóttir')).toBe('thorsdottir');
    expect(foldForSearch('ǅemal')).toBe('dzemal');
    // A special letter with an accent on it: the accent goes first.
    expect(foldForSearch('Ǣ')).toBe('ae');
    expect(foldForSearch('ﬁnance')).toBe('finance');
  });

  it('leaves other text as lower case, unchanged otherwise', () => {
    expect(foldForSearch('INV-2027-0042')).toBe('inv-2027-0042');
    expect(foldForSearch('admin@acme.example')).toBe('admin@acme.example');
    expect(foldForSearch('50% _off_')).toBe('50% _off_');
    expect(foldForSearch('東京')).toBe('東京');
  });

  it('gives SQL the letters it must replace by hand (the integration test runs the SQL fold in PostgreSQL)', () => {
    const replacements = new Map(sqlFoldReplacements());
    expect(replacements.get('ß')).toBe('ss');
    expect(replacements.get('Ø')).toBe('o');
    expect(replacements.get('Ħ')).toBe('ħ');
    // Letters that decompose (ü = u + ¨) need none: NFKD and the stripped marks do it.
    expect(replacements.has('ü')).toBe(false);
    for (const [char, folded] of replacements) expect(foldForSearch(char)).toBe(folded);
  });
});

const key = (key: string, mods: Partial<ShortcutKey> = {}): ShortcutKey => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
const pc = { typing: false, mac: false, desktop: false };

describe('keyboard shortcuts', () => {
  it('Ctrl-K (⌘-K on a Mac) opens the search, even from a text field', () => {
    expect(shortcutFor(key('k', { ctrlKey: true }), pc)).toBe('palette');
    expect(shortcutFor(key('K', { ctrlKey: true, shiftKey: true }), { ...pc, typing: true })).toBe('palette');
    expect(shortcutFor(key('k', { metaKey: true }), { ...pc, mac: true })).toBe('palette');
    expect(shortcutFor(key('k', { metaKey: true }), pc)).toBeNull();
    expect(shortcutFor(key('k', { ctrlKey: true, altKey: true }), pc)).toBeNull();
  });

  it('/ and ? act only outside text fields, without modifiers', () => {
    expect(shortcutFor(key('/'), pc)).toBe('focusSearch');
    expect(shortcutFor(key('?', { shiftKey: true }), pc)).toBe('shortcuts');
    expect(shortcutFor(key('/'), { ...pc, typing: true })).toBeNull();
    expect(shortcutFor(key('?', { shiftKey: true }), { ...pc, typing: true })).toBeNull();
    expect(shortcutFor(key('/', { ctrlKey: true }), pc)).toBeNull();
    expect(shortcutFor(key('k'), pc)).toBeNull();
  });

  it('Back and Forward keys only in the desktop app (a browser does them itself)', () => {
    expect(shortcutFor(key('ArrowLeft', { altKey: true }), pc)).toBeNull();
    expect(shortcutFor(key('ArrowLeft', { altKey: true }), { ...pc, desktop: true })).toBe('back');
    expect(shortcutFor(key('ArrowRight', { altKey: true }), { ...pc, desktop: true })).toBe('forward');
    expect(shortcutFor(key('[', { metaKey: true }), { ...pc, desktop: true, mac: true })).toBe('back');
    expect(shortcutFor(key(']', { metaKey: true }), { ...pc, desktop: true, mac: true })).toBe('forward');
    expect(shortcutFor(key('ArrowLeft', { altKey: true }), { ...pc, desktop: true, typing: true })).toBeNull();
  });

  it('knows a text field from a button', () => {
    const element = (tagName: string, type?: string, isContentEditable = false) => ({ tagName, isContentEditable, getAttribute: () => type ?? null });
    expect(isTypingTarget(element('INPUT'))).toBe(true);
    expect(isTypingTarget(element('INPUT', 'search'))).toBe(true);
    expect(isTypingTarget(element('INPUT', 'checkbox'))).toBe(false);
    expect(isTypingTarget(element('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(element('DIV', undefined, true))).toBe(true);
    expect(isTypingTarget(element('BUTTON'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('palette entries', () => {
  const pages = [
    { name: 'usage' as const, label: 'Usage', description: 'Usage dashboards' },
    { name: 'billing' as const, label: 'Billing', description: 'Invoices' },
  ];
  const hit = (patch: Partial<SearchHit>): SearchHit => ({
    kind: 'tenant',
    tenantCode: 'MUL001',
    companyName: 'Müller GmbH',
    subdomain: 'mueller',
    adminEmail: 'a@b.example',
    status: 'active',
    matchedField: 'companyName',
    invoiceNumber: null,
    ...patch,
  });

  it('lists the pages with no text, then hits first and the pages whose name matches', () => {
    expect(paletteEntries('', [], pages).map((entry) => entry.id)).toEqual(['page-usage', 'page-billing']);
    const entries = paletteEntries('bill', [hit({}), hit({ kind: 'invoice', matchedField: 'invoiceNumber', invoiceNumber: 'INV-1' })], pages);
    expect(entries.map((entry) => entry.id)).toEqual(['tenant-MUL001', 'invoice-INV-1', 'page-billing']);
    // A tenant opens on its overview, an invoice on the tenant's Billing tab.
    expect(entries.map((entry) => (entry.kind === 'page' ? entry.page : entry.tab))).toEqual(['overview', 'billing', 'billing']);
    expect(paletteEntries('USÄGE', [], pages).map((entry) => entry.id)).toEqual(['page-usage']);
  });
});
