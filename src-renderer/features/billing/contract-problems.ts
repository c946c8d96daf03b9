import { channels, type ChannelInput, type ChannelName } from '../../../src-shared/contract/channels';

/** zod's generic wording in plain words; the contract's own messages as they are. */
function readable(issue: { message: string; origin?: unknown; minimum?: unknown; maximum?: unknown }): string {
  if (issue.message.startsWith('Too small') && issue.origin === 'string') return 'Enter a value.';
  if (issue.message.startsWith('Too small')) return `Must be at least ${String(issue.minimum)}.`;
  if (issue.message.startsWith('Too big')) return `Must be at most ${String(issue.maximum)}.`;
  if (issue.message.startsWith('Invalid input')) return issue.message.includes('int') ? 'Enter a whole number.' : 'Enter a valid value.';
  return issue.message;
}

/**
 * The problems main would report for a call, per field path ("smtp.port"), from the channel's
 * own schema: the form shows the contract's messages, not a copy of its rules.
 */
export function contractProblems<C extends ChannelName>(channel: C, input: ChannelInput<C>): Record<string, string> {
  const parsed = channels[channel].input.safeParse(input);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.join('.');
    if (!problems[path]) problems[path] = readable(issue as Parameters<typeof readable>[0]);
  }
  return problems;
}
