// Keys whose values never reach the audit log (passwords, API keys, tokens, credentials).
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|private[-_]?key|^key$|Key$|credential|authorization|cookie|session/i;

const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;
/** The stored summary's cap, in characters. */
const MAX_SUMMARY = 2000;
const REDACTED = '[redacted]';

function summarise(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarise(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `…(${value.length - MAX_ITEMS} more)`] : items;
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : summarise(inner, depth + 1)]),
    );
  }
  return String(value);
}

/**
 * A call's input as the audit log keeps it: secret-like fields replaced, long strings and
 * lists cut, the whole JSON capped — enough to say what was asked, never a credential.
 */
export function summariseInput(input: unknown): string {
  const text = JSON.stringify(summarise(input, 0)) ?? 'null';
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 20)}…(truncated)` : text;
}
