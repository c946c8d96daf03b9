import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF written by pdfkit, read back the simple way: inflate each content
 * stream (FlateDecode) and join the hex strings of each TJ array (pdfkit writes every text
 * run as one `[<hex> kern <hex> …] TJ`, in WinAnsi, which is latin1 for these characters).
 * Enough to prove the invoice's words are in the file a viewer shows; not a general parser.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const contents: string[] = [];
  const streamStart = /<<((?:[^<>]|<<[^<>]*>>)*)>>\s*stream\r?\n/g;
  for (let match = streamStart.exec(raw); match; match = streamStart.exec(raw)) {
    const begin = match.index + match[0].length;
    const end = raw.indexOf('endstream', begin);
    const body = pdf.subarray(begin, end);
    if (match[1]!.includes('/FlateDecode')) {
      try {
        contents.push(inflateSync(body).toString('latin1'));
      } catch {
        // Not a content stream we can read (e.g. an image): skip.
      }
    } else {
      contents.push(body.toString('latin1'));
    }
  }
  const runs: string[] = [];
  for (const content of contents) {
    for (const array of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ/g)) {
      runs.push([...array[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1]!, 'hex').toString('latin1')).join(''));
    }
  }
  return runs.join('\n');
}

/** Pages in the document (page objects, not the /Pages tree node). */
export function pdfPageCount(pdf: Buffer): number {
  return [...pdf.toString('latin1').matchAll(/\/Type\s*\/Page(?![s\w])/g)].length;
}
