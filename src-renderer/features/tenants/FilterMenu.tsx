import { Badge, Button, Checkbox, ColorSwatch, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';

export interface FilterOption<V extends string> {
  readonly value: V;
  readonly label: string;
  readonly color: string;
}

interface FilterMenuProps<V extends string> {
  readonly label: string;
  readonly options: readonly FilterOption<V>[];
  readonly value: readonly V[];
  readonly onChange: (value: V[]) => void;
  readonly testId: string;
}

/** A compact multi-select filter: a button naming the filter and a checklist in a popover. */
export function FilterMenu<V extends string>({ label, options, value, onChange, testId }: FilterMenuProps<V>) {
  const count = value.length;
  return (
    <Popover position="bottom-start" shadow="md" radius="md" width={220} trapFocus>
      <Popover.Target>
        <Button
          variant={count > 0 ? 'light' : 'default'}
          rightSection={<IconChevronDown size={14} stroke={1.8} />}
          aria-label={`Filter by ${label.toLowerCase()}${count > 0 ? ` (${count} selected)` : ''}`}
          data-testid={testId}
          fw={500}
        >
          {label}
          {count > 0 && (
            <Badge size="sm" circle ml={8} variant="filled">
              {count}
            </Badge>
          )}
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        <Checkbox.Group value={[...value]} onChange={(next) => onChange(next as V[])} aria-label={label}>
          <Stack gap={4}>
            {options.map((option) => (
              <Checkbox.Card key={option.value} value={option.value} radius="sm" withBorder={false} p={6} data-testid={`${testId}-${option.value}`}>
                <Group gap="sm" wrap="nowrap">
                  <Checkbox.Indicator size="xs" />
                  <ColorSwatch color={`var(--mantine-color-${option.color}-filled)`} size={10} withShadow={false} />
                  <Text size="sm">{option.label}</Text>
                </Group>
              </Checkbox.Card>
            ))}
          </Stack>
        </Checkbox.Group>
        {count > 0 && (
          <UnstyledButton mt={6} px={6} onClick={() => onChange([])}>
            <Text size="xs" c="dimmed">
              Clear selection
            </Text>
          </UnstyledButton>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
