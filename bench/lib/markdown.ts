/** Minimal Markdown building: tables that read well both raw (terminal) and rendered. */

export type Align = 'left' | 'right';

export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length), 3));
  const cell = (text: string, column: number) =>
    align[column] === 'right' ? text.padStart(widths[column]!) : text.padEnd(widths[column]!);
  const line = (cells: readonly string[]) => `| ${cells.map((text, column) => cell(text, column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (align[column] === 'right' ? `${'-'.repeat(width + 1)}:` : `${'-'.repeat(width + 2)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map((row) => line(headers.map((_, column) => row[column] ?? '')))].join('\n');
}

export function verdict(pass: boolean): string {
  return pass ? '**PASS**' : '**MISS**';
}

/** A collapsible block (GitHub renders it folded; raw it stays readable). */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n\`\`\`text\n${body.trimEnd()}\n\`\`\`\n\n</details>`;
}
