import { BarChart } from '@mantine/charts';
import { Badge, Group, Skeleton, Stack, Text } from '@mantine/core';
import type { OnboardingFunnel } from '../../../src-shared/contract/onboarding-models';
import { api } from '../../api/client';
import { Panel } from '../../components/Panel';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/use-query';
import { formatDay } from '../usage/UsageCharts';

const WEEKS = 12;

const percentOf = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)} %`);

/**
 * The self-service funnel on the Usage page: per week of sign-up, how many signed up, how
 * many of those became active (someone signed in) and how many pay (converted).
 */
export function SignupFunnelPanel() {
  const funnel = useQuery(() => api().call('onboarding:funnel', { weeks: WEEKS }), []);
  const value = funnel.value;
  return (
    <Panel
      title={`Sign-up funnel, last ${WEEKS} weeks`}
      testId="signup-funnel"
      aside={value ? <FunnelTotals funnel={value} /> : undefined}
    >
      {value ? (
        <FunnelChart funnel={value} />
      ) : funnel.error ? (
        // Offline, or no platform: the funnel is not in snapshots; the rest of the page still works.
        <Text size="sm" c="dimmed" py="md" data-testid="signup-funnel-unavailable">
          The funnel needs the platform database: {funnel.error}
        </Text>
      ) : (
        <Skeleton h={240} />
      )}
    </Panel>
  );
}

function FunnelTotals({ funnel }: { funnel: OnboardingFunnel }) {
  const { signups, activated, converted, stalled } = funnel.totals;
  return (
    <Group gap={6} wrap="wrap" justify="flex-end" data-testid="signup-funnel-totals">
      <Badge variant="light" color="blue" tt="none">{formatCount(signups)} sign-ups</Badge>
      <Badge variant="light" color="teal" tt="none">{percentOf(activated, signups)} activated</Badge>
      <Badge variant="light" color="grape" tt="none">{percentOf(converted, signups)} converted</Badge>
      {stalled > 0 && (
        <Badge variant="light" color="red" tt="none" data-testid="signup-funnel-stalled">
          {formatCount(stalled)} stalled
        </Badge>
      )}
    </Group>
  );
}

function FunnelChart({ funnel }: { funnel: OnboardingFunnel }) {
  if (funnel.totals.signups === 0) {
    return (
      <Text size="sm" c="dimmed" py="md" data-testid="signup-funnel-empty">
        No self-service sign-ups in the last {WEEKS} weeks. They arrive through the tenant API (POST /api/signups).
      </Text>
    );
  }
  const data = funnel.weeks.map((week) => ({ ...week, label: formatDay(week.week) }));
  return (
    <Stack gap={4}>
      <BarChart
        h={260}
        data={data}
        dataKey="label"
        series={[
          { name: 'signups', label: 'Sign-ups', color: 'blue.6' },
          { name: 'activated', label: 'Activated', color: 'teal.6' },
          { name: 'converted', label: 'Converted', color: 'grape.6' },
        ]}
        withLegend
        legendProps={{ verticalAlign: 'bottom' }}
        tickLine="y"
        gridAxis="y"
        yAxisProps={{ allowDecimals: false }}
        barProps={{ radius: 3 }}
        data-testid="signup-funnel-chart"
      />
      <Text size="xs" c="dimmed">
        Weeks start on Monday (UTC). Each week&apos;s bars count the sign-ups made in it: they grow as those tenants sign in and start paying.
      </Text>
    </Stack>
  );
}
