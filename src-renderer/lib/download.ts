/** Hands text to the user as a file: a download in a browser, the save dialog in Electron. */
export function downloadText(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL can go once the event loop moved on.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
