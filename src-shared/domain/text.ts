/** Text hygiene shared by every free-text rule: what the operator types is NFC-normalised and trimmed. */

// Control characters (C0, DEL, C1), bidi overrides and zero-width characters hide or reorder
// text on screen: never legitimate in names, reasons or emails.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

export function hasInvisibleOrControl(text: string): boolean {
  return INVISIBLE_OR_CONTROL.test(text);
}

export function normaliseText(text: string): string {
  return text.normalize('NFC').trim();
}
