import { Group, Progress, Stack, Text } from '@mantine/core';
import type { LimitUsage, TenantLimits } from '../../../../src-shared/contract/plan-models';
import { formatCount, formatLimit, formatPercent } from '../../../lib/format';
import { barValue, LEVEL_COLORS, LIMIT_RESOURCE_LABELS, usageLevel } from '../../usage/usage-levels';

/** Usage against the effective limits, live from the tenant database: yellow from the threshold, red at 100%. */
export function UsageBars({ limits }: { limits: TenantLimits }) {
  return (
    <Stack gap="md" data-testid="usage-bars">
      {limits.resources.map((resource) => (
        <UsageBar key={resource.resource} resource={resource} warningPercent={limits.warningPercent} />
      ))}
    </Stack>
  );
}

function UsageBar({ resource, warningPercent }: { resource: LimitUsage; warningPercent: number }) {
  const level = resource.blocked ? 'over' : resource.warning ? 'warning' : usageLevel(resource.percent, warningPercent);
  const label = resource.resource === 'users' && resource.company ? `Users in ${resource.company.name}` : LIMIT_RESOURCE_LABELS[resource.resource];
  const overridden = resource.limit !== resource.planLimit;
  return (
    <div data-testid={`usage-bar-${resource.resource}`} data-level={level}>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} className="tabular" data-testid={`usage-value-${resource.resource}`}>
            {formatCount(resource.current)} / {formatLimit(resource.limit)}
          </Text>
          {resource.percent !== null && (
            <Text size="xs" c={level === 'over' ? 'red' : 'dimmed'} className="tabular" w={42} ta="right">
              {formatPercent(resource.percent)}
            </Text>
          )}
        </Group>
      </Group>
      <Progress
        value={resource.limit === null ? 0 : barValue(resource.current, resource.limit)}
        color={LEVEL_COLORS[level]}
        size="md"
        radius="xl"
        aria-label={`${label}: ${resource.current} of ${formatLimit(resource.limit)}`}
      />
      {(overridden || resource.blocked || resource.limit === null) && (
        <Text size="xs" c={resource.blocked ? 'red' : 'dimmed'} mt={4}>
          {resource.blocked
            ? 'At the limit: new inserts are refused until the plan changes or an allowance is added.'
            : resource.limit === null
              ? 'No limit on this plan.'
              : `Plan limit ${formatLimit(resource.planLimit)}; an override applies.`}
        </Text>
      )}
    </div>
  );
}
