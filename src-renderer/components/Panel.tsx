import type { ReactNode } from 'react';
import { Group, Paper, Text } from '@mantine/core';

/** A titled dashboard block; `fill` (default) stretches it to its grid row's height, so side-by-side lists line up. */
export function Panel({ title, aside, children, testId, fill = true }: { title: string; aside?: ReactNode; children: ReactNode; testId: string; fill?: boolean }) {
  return (
    <Paper withBorder p="md" radius="lg" component="section" aria-label={title} data-testid={testId} h={fill ? '100%' : undefined}>
      <Group justify="space-between" mb="md" gap="xs" wrap="nowrap" mih={26}>
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
          {title}
        </Text>
        {aside}
      </Group>
      {children}
    </Paper>
  );
}
