import type { ReactNode } from 'react';
import { AppShell, Badge, Box, Burger, Group, NavLink, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconDatabase, IconStack2 } from '@tabler/icons-react';
import { PAGES, type PageDefinition, type PageName } from '../pages';
import { useNavigationStore } from '../store/navigation-store';
import { useReferenceStore } from '../store/reference-store';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { OfflineBanner } from '../features/offline/OfflineBanner';
import { UserMenu } from '../features/session/UserMenu';
import { useSessionRole } from '../store/session-store';
import { mayCall, roleCannotMessage } from '../../src-shared/contract/operator-roles';
import classes from './AppLayout.module.css';

export function AppLayout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const page = useNavigationStore((state) => state.page);
  const go = (target: PageName) => {
    useNavigationStore.getState().go(target);
    close();
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="xl"
      classNames={{ main: classes.main, navbar: classes.navbar, header: classes.header }}
    >
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <ThemeIcon size={34} radius="md" variant="gradient" gradient={{ from: 'brand.5', to: 'violet.6', deg: 135 }}>
              <IconStack2 size={20} stroke={1.8} />
            </ThemeIcon>
            <Box>
              <Text fw={700} size="md" lh={1.15} data-testid="product-name">
                Tenant Console
              </Text>
              <Text size="xs" c="dimmed" lh={1.2} visibleFrom="xs">
                ERP SaaS operations
              </Text>
            </Box>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ServerBadge />
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="md" aria-label="Main navigation">
        <AppShell.Section grow>
          <NavSectionLabel first>Operations</NavSectionLabel>
          {PAGES.filter((entry) => entry.section === 'operations').map((entry) => (
            <PageLink key={entry.name} entry={entry} active={page === entry.name} onOpen={go} />
          ))}
          <NavSectionLabel>Console</NavSectionLabel>
          {PAGES.filter((entry) => entry.section === 'console').map((entry) => (
            <PageLink key={entry.name} entry={entry} active={page === entry.name} onOpen={go} withDescription />
          ))}
        </AppShell.Section>
        <AppShell.Section>
          <ServerCard />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <OfflineBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}

function NavSectionLabel({ children, first }: { children: ReactNode; first?: boolean }) {
  return (
    <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt={first ? 0 : 'lg'} mb={6} className={classes.sectionLabel}>
      {children}
    </Text>
  );
}

function PageLink({
  entry,
  active,
  onOpen,
  withDescription,
}: {
  entry: PageDefinition;
  active: boolean;
  onOpen: (page: PageName) => void;
  withDescription?: boolean;
}) {
  const role = useSessionRole();
  // Only the role closes a page (offline, its cached view still opens).
  const closed = entry.needs && role !== null && !mayCall(role, entry.needs) ? roleCannotMessage(role, entry.needs) : null;
  if (closed) {
    return (
      <Tooltip label={closed} multiline w={240} position="right">
        <Box data-testid={`nav-${entry.name}-blocked`} data-blocked-reason={closed} style={{ cursor: 'not-allowed' }}>
          <NavLink
            component="button"
            disabled
            label={entry.label}
            description={withDescription ? entry.description : undefined}
            leftSection={<entry.icon size={18} stroke={1.6} />}
            variant="light"
            className={classes.link}
            data-testid={`nav-${entry.name}`}
          />
        </Box>
      </Tooltip>
    );
  }
  return (
    <NavLink
      component="button"
      active={active}
      label={entry.label}
      description={withDescription ? entry.description : undefined}
      leftSection={<entry.icon size={18} stroke={1.6} />}
      variant="light"
      aria-current={active ? 'page' : undefined}
      className={classes.link}
      onClick={() => onOpen(entry.name as PageName)}
      data-testid={`nav-${entry.name}`}
    />
  );
}

function ServerBadge() {
  const info = useReferenceStore((state) => state.appInfo);
  if (!info) return null;
  const label = info.mode === 'host' ? 'Host mode' : info.mode === 'electron' ? 'Desktop' : 'CLI';
  const detail =
    info.mode === 'host'
      ? 'Served by tenantctl serve on this machine; the page reaches the console core over HTTP.'
      : 'The console core runs in this app.';
  return (
    <Tooltip label={detail} multiline w={260}>
      <Badge variant="dot" color="teal" size="lg" radius="md" tt="none" fw={500} visibleFrom="md" data-testid="mode-badge">
        {label}
      </Badge>
    </Tooltip>
  );
}

function ServerCard() {
  const info = useReferenceStore((state) => state.appInfo);
  if (!info) return null;
  return (
    <Box className={classes.serverCard} p="sm">
      <Group gap={8} wrap="nowrap" mb={4}>
        <IconDatabase size={16} stroke={1.6} />
        <Text size="xs" fw={600}>
          {info.server.kind === 'embedded' ? 'Embedded PostgreSQL' : 'PostgreSQL server'}
        </Text>
      </Group>
      <Stack gap={0}>
        <Text size="xs" c="dimmed" ff="monospace" truncate>
          {info.server.host}:{info.server.port}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {info.server.serverVersion ? `Version ${info.server.serverVersion} · ` : ''}console {info.version}
        </Text>
      </Stack>
    </Box>
  );
}
