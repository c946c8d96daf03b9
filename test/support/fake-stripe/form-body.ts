/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API; the real one is out of
 * reach here). Parses what the `stripe` SDK sends: application/x-www-form-urlencoded with
 * bracket notation (`items[0][price]=price_1`, `metadata[tenant_code]=AB123`,
 * `expand[]=data`), into nested objects and arrays. Written here because `qs` is not installed.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** `a[b][0][c]` → ['a', 'b', '0', 'c']; `a[]` → ['a', '']. */
export function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  let consumed = open;
  while ((match = pattern.exec(key)) !== null) {
    if (match.index !== consumed) break;
    parts.push(match[1] ?? '');
    consumed = match.index + match[0].length;
  }
  if (consumed !== key.length) return [key];
  return parts;
}

function assign(target: FormObject | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const isArray = Array.isArray(target);
  const slot = isArray && head === '' ? (target as FormValue[]).length : head;
  if (rest.length === 0) {
    (target as Record<string | number, FormValue>)[slot] = value;
    return;
  }
  const current = (target as Record<string | number, FormValue | undefined>)[slot];
  const wantArray = rest[0] === '' || /^\d+$/.test(rest[0] ?? '');
  let child: FormObject | FormValue[];
  if (current !== undefined && typeof current === 'object') child = current;
  else {
    child = wantArray ? [] : {};
    (target as Record<string | number, FormValue>)[slot] = child;
  }
  assign(child, rest, value);
}

/** Parses a form body or a query string (without the leading '?'). Sparse arrays are compacted. */
export function parseForm(body: string): FormObject {
  const result: FormObject = {};
  if (body.trim() === '') return result;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    assign(result, splitKey(key), value);
  }
  return compact(result) as FormObject;
}

function compact(value: FormValue): FormValue {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compact);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

/** Typed readers: a missing or wrongly shaped field is undefined. */
export const form = {
  str(obj: FormValue | undefined, key: string): string | undefined {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    const value = obj[key];
    return typeof value === 'string' ? value : undefined;
  },
  obj(obj: FormValue | undefined, key: string): FormObject | undefined {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    const value = obj[key];
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  },
  arr(obj: FormValue | undefined, key: string): FormValue[] | undefined {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    const value = obj[key];
    if (Array.isArray(value)) return value;
    // `items[0][price]` parsed into an object keyed '0' when the first index was not numeric-first.
    if (value && typeof value === 'object') return Object.values(value);
    return undefined;
  },
  int(obj: FormValue | undefined, key: string): number | undefined {
    const raw = form.str(obj, key);
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    return Number.isInteger(n) ? n : undefined;
  },
  bool(obj: FormValue | undefined, key: string): boolean | undefined {
    const raw = form.str(obj, key);
    return raw === 'true' ? true : raw === 'false' ? false : undefined;
  },
  /** Metadata: string values only; '' removes a key in Stripe. */
  metadata(obj: FormValue | undefined): Record<string, string> | undefined {
    const meta = form.obj(obj, 'metadata');
    if (!meta) return undefined;
    return Object.fromEntries(Object.entries(meta).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  },
};
