import { useEffect, useState } from 'react';

const WAIT = /try again in (\d+) s\b/i;

/** The wait main asks for after too many wrong passwords ("… try again in 8 s."), in seconds, or null. */
export function waitSecondsIn(message: string): number | null {
  const match = WAIT.exec(message);
  if (!match) return null;
  const seconds = Number(match[1]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** A countdown to zero from the last `start(seconds)`: the sign-in button waits it out, showing it. */
export function useCountdown(): { readonly left: number; start(seconds: number): void } {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), 250);
    return () => clearTimeout(timer);
  }, [until, now]);
  return {
    left: Math.max(0, Math.ceil((until - now) / 1000)),
    start(seconds) {
      const start = Date.now();
      setNow(start);
      setUntil(start + seconds * 1000);
    },
  };
}
