import { AppError } from '../base/app-error';

/**
 * Too many sign-up requests from one client address. The HTTP layer answers 429 with
 * `Retry-After: retryAfterSeconds`; nothing was recorded for the refused request but the
 * attempt itself.
 */
export class SignupRateLimitedError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(limitPerHour: number, retryAfterSeconds: number) {
    super('CONFLICT', `Too many sign-ups from this address (at most ${limitPerHour} an hour). Try again in ${formatWait(retryAfterSeconds)}.`);
    this.name = 'SignupRateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isSignupRateLimited(error: unknown): error is SignupRateLimitedError {
  return error instanceof SignupRateLimitedError;
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
