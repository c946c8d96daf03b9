import { useEffect, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import { subdomainProblem } from '../../../../src-shared/domain/subdomain';
import { api } from '../../../api/client';

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
  const [answer, setAnswer] = useState<Availability>({ state: 'idle' });
  const valid = subdomain !== '' && subdomainProblem(subdomain) === null;

  useEffect(() => {
    if (debounced === '' || subdomainProblem(debounced) !== null) {
      setAnswer({ state: 'idle' });
      return;
    }
    let current = true;
    setAnswer({ state: 'checking' });
    api()
      .call('tenants:checkSubdomain', { subdomain: debounced })
      .then((result) => {
        if (!current) return;
        setAnswer(
          result.available
            ? { state: 'available', subdomain: debounced }
            : { state: 'taken', subdomain: debounced, problem: result.problem ?? `"${debounced}" is already taken.` },
        );
      })
      .catch(() => {
        // Availability is a courtesy: main checks again on create.
        if (current) setAnswer({ state: 'unknown' });
      });
    return () => {
      current = false;
    };
  }, [debounced]);

  if (!valid) return { state: 'idle' };
  if (debounced !== subdomain) return { state: 'checking' };
  return answer;
}
