import { useDebouncedValue } from '@mantine/hooks';
import { subdomainProblem } from '../../../../src-shared/domain/subdomain';
import { api } from '../../../api/client';
import { useQuery } from '../../../lib/use-query';

export type Availability =
  | { readonly state: 'idle' }
  | { readonly state: 'checking' }
  | { readonly state: 'available'; readonly subdomain: string }
  | { readonly state: 'taken'; readonly subdomain: string; readonly problem: string }
  | { readonly state: 'unknown' };

/**
 * Asks main whether a subdomain is free, once the operator pauses typing and only for labels
 * the shared rules already accept (the rest is answered locally, at once).
 */
export function useSubdomainAvailability(raw: string): Availability {
  const subdomain = raw.trim().toLowerCase();
  const [debounced] = useDebouncedValue(subdomain, 350);
  const valid = subdomain !== '' && subdomainProblem(subdomain) === null;
  const checkable = debounced !== '' && subdomainProblem(debounced) === null;
  const check = useQuery(() => api().call('tenants:checkSubdomain', { subdomain: debounced }), [debounced], { enabled: checkable });

  if (!valid) return { state: 'idle' };
  if (debounced !== subdomain || check.loading) return { state: 'checking' };
  // Availability is a courtesy: main checks again on create.
  if (check.error !== null) return { state: 'unknown' };
  const answer = check.value;
  if (!answer) return { state: 'idle' };
  return answer.available ? { state: 'available', subdomain: debounced } : { state: 'taken', subdomain: debounced, problem: answer.problem ?? `"${debounced}" is already taken.` };
}
