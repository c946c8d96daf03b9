import type { ReactNode } from 'react';
import { Box, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconDatabase, IconStack2 } from '@tabler/icons-react';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import classes from './AuthFrame.module.css';

/** The frame of the screens before the console opens (sign-in, a new password): the product, a card, the theme switch. */
export function AuthFrame({ title, subtitle, children, testId }: { title: string; subtitle: ReactNode; children: ReactNode; testId: string }) {
  return (
    <Box className={classes.page} component="main" data-testid={testId}>
      <Box className={classes.corner}>
        <ColorSchemeToggle />
      </Box>
      <Stack gap="lg" className={classes.card}>
        <Group gap="sm" justify="center" wrap="nowrap">
          <ThemeIcon size={40} radius="md" variant="gradient" gradient={{ from: 'brand.5', to: 'violet.6', deg: 135 }}>
            <IconStack2 size={24} stroke={1.8} />
          </ThemeIcon>
          <Box>
            <Text fw={700} size="lg" lh={1.15} data-testid="product-name">
              Tenant Console
            </Text>
            <Text size="xs" c="dimmed" lh={1.2}>
              ERP SaaS operations
            </Text>
          </Box>
        </Group>
        <Paper withBorder shadow="md" p="xl" radius="lg">
          <Title order={2} size="h3" data-testid="auth-title">
            {title}
          </Title>
          <Text size="sm" c="dimmed" mt={4} mb="lg">
            {subtitle}
          </Text>
          {children}
        </Paper>
      </Stack>
    </Box>
  );
}

/** Which server and platform database the operator signs in to. */
export function ServerLine({ server, platformDatabase }: { server: string; platformDatabase: string }) {
  return (
    <Group gap="sm" wrap="nowrap" p="sm" className={classes.server} data-testid="sign-in-server">
      <ThemeIcon variant="light" color="gray" size={32} radius="md">
        <IconDatabase size={18} stroke={1.6} />
      </ThemeIcon>
      <Box miw={0}>
        <Text size="xs" c="dimmed" lh={1.3}>
          Server
        </Text>
        <Text size="sm" ff="monospace" truncate>
          {server}
          <Text span c="dimmed" inherit>
            {' '}
            / {platformDatabase}
          </Text>
        </Text>
      </Box>
    </Group>
  );
}
