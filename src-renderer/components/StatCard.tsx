import type { ReactNode } from 'react';
import { Group, Paper, Text, ThemeIcon } from '@mantine/core';

/** One figure on a dashboard (Usage, Billing): label, icon, the value, an optional hint. */
export function StatCard({ label, value, hint, icon, color = 'brand', testId }: { label: string; value: ReactNode; hint?: string; icon: ReactNode; color?: string; testId: string }) {
  return (
    <Paper withBorder p="md" radius="lg" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
          {label}
        </Text>
        <ThemeIcon variant="light" color={color} size="md" radius="md">
          {icon}
        </ThemeIcon>
      </Group>
      <Text component="div" fw={700} fz={24} className="tabular" mt={4} data-testid={`${testId}-value`}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
