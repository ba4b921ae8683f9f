/** Saving files from the page: a Blob behind a temporary link. */
export function download(name: string, data: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function downloadJson(name: string, value: unknown): void {
  download(name, JSON.stringify(value, null, 2), 'application/json');
}
