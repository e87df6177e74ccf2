// Files from a drop zone or its file picker, read into bytes (the parsers in talking-head/formats take bytes).
export interface PageFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

async function read(files: FileList | null): Promise<PageFile[]> {
  return Promise.all(Array.from(files ?? []).map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

/** Calls `onFiles` with every batch of files dropped on `zone` or picked with `picker`. */
export function acceptFiles(zone: HTMLElement, picker: HTMLInputElement, onFiles: (files: PageFile[]) => void): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    void read(event.dataTransfer?.files ?? null).then((files) => files.length > 0 && onFiles(files));
  });
  picker.addEventListener('change', () => {
    void read(picker.files).then((files) => {
      picker.value = '';
      if (files.length > 0) onFiles(files);
    });
  });
}
