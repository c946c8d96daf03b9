import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Box, Group, Kbd, Loader, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconArrowRight, IconBuildingSkyscraper, IconFileInvoice, IconSearch } from '@tabler/icons-react';
import { Modal } from '../../components/Modal';
import { PAGES } from '../../pages';
import { useNavigationStore } from '../../store/navigation-store';
import { useSearchStore } from '../../store/search-store';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { AsOfNote } from '../offline/AsOfNote';
import { StatusBadge } from '../tenants/badges';
import { MATCH_LABELS, paletteEntries, type PaletteEntry } from './palette-entries';
import classes from './CommandPalette.module.css';

/** Goes where an entry points: a page, or a tenant's drawer (on the Tenants page) at a tab. */
function openEntry(entry: PaletteEntry): void {
  const detail = useTenantDetailStore.getState();
  if (entry.kind === 'page') {
    if (detail.selectedCode) detail.close();
    useNavigationStore.getState().go(entry.page);
    return;
  }
  useNavigationStore.getState().go('tenants');
  detail.open(entry.hit.tenantCode, entry.tab);
}

/** Ctrl/⌘-K: one search over tenants, admin e-mails, subdomains and invoice numbers (search:everything). */
export function CommandPalette() {
  const opened = useSearchStore((state) => state.paletteOpen);
  return (
    <Modal
      opened={opened}
      onClose={() => useSearchStore.getState().closePalette()}
      withCloseButton={false}
      size={640}
      padding={0}
      yOffset="12vh"
      radius="md"
      aria-label="Search the console"
      data-testid="command-palette"
    >
      {opened && <PaletteBody />}
    </Modal>
  );
}

function PaletteBody() {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const { hits, status, error, answered, invoicesSearched, snapshot } = useSearchStore();
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void useSearchStore.getState().search(text);
    setActive(0);
  }, [text]);

  // The answer shown is for `answered`; until the one for `text` comes, keep the last rows.
  const entries = paletteEntries(text.trim() === '' ? '' : answered || text, text.trim() === '' ? [] : hits, PAGES);
  const activeEntry = entries[Math.min(active, entries.length - 1)];

  useEffect(() => {
    const row = activeEntry ? listRef.current?.querySelector(`[data-entry-id="${CSS.escape(activeEntry.id)}"]`) : null;
    row?.scrollIntoView({ block: 'nearest' });
  }, [activeEntry]);

  const choose = (entry: PaletteEntry | undefined) => {
    if (!entry) return;
    useSearchStore.getState().closePalette();
    openEntry(entry);
  };

  return (
    <Stack gap={0}>
      <TextInput
        data-autofocus
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((index) => Math.min(index + 1, entries.length - 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((index) => Math.max(index - 1, 0));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            choose(activeEntry);
          }
        }}
        placeholder="Search tenants, admin e-mails, subdomains, invoice numbers…"
        aria-label="Search tenants, admin e-mails, subdomains and invoice numbers"
        role="combobox"
        aria-expanded
        aria-controls="palette-results"
        aria-activedescendant={activeEntry ? `palette-${activeEntry.id}` : undefined}
        aria-autocomplete="list"
        size="lg"
        variant="unstyled"
        px="md"
        leftSection={<IconSearch size={20} stroke={1.6} />}
        rightSection={status === 'loading' ? <Loader size="xs" aria-label="Searching" /> : <Kbd size="xs">Esc</Kbd>}
        rightSectionWidth={48}
        maxLength={200}
        className={classes.input}
        data-testid="palette-input"
      />
      {(!invoicesSearched || snapshot) && text.trim() !== '' && (
        <Group gap="xs" px="md" py={6} className={classes.note}>
          <AsOfNote snapshot={snapshot} testId="palette-as-of" />
          {!invoicesSearched && (
            <Text size="xs" c="dimmed" data-testid="palette-offline-note">
              Offline: tenants from the saved snapshot; invoice numbers need the database.
            </Text>
          )}
        </Group>
      )}
      {status === 'error' && (
        <Alert color="red" variant="light" radius={0} icon={<IconAlertTriangle size={16} />} data-testid="palette-error">
          {error}
        </Alert>
      )}
      <ScrollArea.Autosize mah="min(60vh, 480px)" type="auto">
        <Box id="palette-results" role="listbox" aria-label="Search results" ref={listRef} p={6} data-testid="palette-results">
          {entries.length === 0 && status !== 'loading' && (
            <Text size="sm" c="dimmed" ta="center" py="lg" data-testid="palette-no-results">
              Nothing matches “{text.trim()}”.
            </Text>
          )}
          {entries.map((entry, index) => (
            <EntryRow key={entry.id} entry={entry} active={entry === activeEntry} onHover={() => setActive(index)} onChoose={() => choose(entry)} />
          ))}
        </Box>
      </ScrollArea.Autosize>
      <Group gap="md" px="md" py={8} className={classes.footer}>
        <Text size="xs" c="dimmed">
          <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> to move · <Kbd size="xs">Enter</Kbd> to open · <Kbd size="xs">?</Kbd> for every shortcut
        </Text>
      </Group>
    </Stack>
  );
}

function EntryRow({ entry, active, onHover, onChoose }: { entry: PaletteEntry; active: boolean; onHover: () => void; onChoose: () => void }) {
  return (
    <UnstyledButton
      id={`palette-${entry.id}`}
      role="option"
      aria-selected={active}
      tabIndex={-1}
      className={classes.row}
      data-active={active || undefined}
      data-entry-id={entry.id}
      data-kind={entry.kind}
      data-testid="palette-entry"
      onMouseMove={onHover}
      onClick={onChoose}
    >
      {entry.kind === 'page' ? (
        <Group gap="sm" wrap="nowrap">
          <IconArrowRight size={18} stroke={1.6} className={classes.icon} />
          <Box style={{ minWidth: 0 }}>
            <Text size="sm" fw={600}>
              Go to {entry.label}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {entry.description}
            </Text>
          </Box>
        </Group>
      ) : (
        <Group gap="sm" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            {entry.kind === 'invoice' ? <IconFileInvoice size={18} stroke={1.6} className={classes.icon} /> : <IconBuildingSkyscraper size={18} stroke={1.6} className={classes.icon} />}
            <Box style={{ minWidth: 0 }}>
              <Text size="sm" fw={600} truncate data-testid="palette-entry-title">
                {entry.kind === 'invoice' ? `Invoice ${entry.hit.invoiceNumber ?? ''}` : entry.hit.companyName}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                <span className={classes.mono}>{entry.hit.tenantCode}</span>
                {entry.kind === 'invoice' ? ` · ${entry.hit.companyName}` : matchDetail(entry)}
              </Text>
            </Box>
          </Group>
          <Group gap={6} wrap="nowrap">
            <Badge size="xs" variant="default" tt="none" fw={500}>
              {MATCH_LABELS[entry.hit.matchedField]}
            </Badge>
            <StatusBadge status={entry.hit.status} size="sm" />
          </Group>
        </Group>
      )}
    </UnstyledButton>
  );
}

/** Beside the code: the e-mail when that matched, else the subdomain (how operators know a tenant). */
function matchDetail(entry: Extract<PaletteEntry, { kind: 'tenant' | 'invoice' }>): string {
  return ` · ${entry.hit.matchedField === 'adminEmail' ? entry.hit.adminEmail : entry.hit.subdomain}`;
}
