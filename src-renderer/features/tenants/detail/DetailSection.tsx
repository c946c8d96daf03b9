import type { ReactNode } from 'react';
import { Group, Paper, Text } from '@mantine/core';

/** One bordered block of the tenant drawer, titled in small capitals; `aside` sits at the title's right. */
export function DetailSection({
  title,
  aside,
  children,
  testId,
}: {
  title: string;
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" align="center" mb="sm" gap="xs" wrap="nowrap" mih={aside ? 22 : undefined}>
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
          {title}
        </Text>
        {aside}
      </Group>
      {children}
    </Paper>
  );
}
