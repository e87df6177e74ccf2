// What the page says: a status line for progress, and errors in plain words in a box that can be dismissed.
// An error never stops the page: every action reports here and leaves the page usable.
import { KernelError } from '../../core/kernel-errors.ts';
import { CheckpointError } from '../../talking-head/checkpoint/checkpoint.ts';
import { FormatError } from '../../core/formats/bytes.ts';
import { NoWebGPUError } from '../device.ts';

/** `doing` says what the page was doing, e.g. "Loading speech.wav". */
export function describeError(error: unknown, doing: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NoWebGPUError) return `WebGPU is not available, so nothing can be generated or drawn here. ${message}`;
  if (error instanceof CheckpointError) return `${doing} failed: this file is not a checkpoint this page can use. ${message}`;
  if (error instanceof FormatError) return `${doing} failed: the file could not be read. ${message}`;
  if (error instanceof KernelError) return `${doing} failed: a GPU kernel did not run. ${message}`;
  return `${doing} failed: ${message}`;
}

export class PageMessages {
  readonly #status: HTMLElement;
  readonly #box: HTMLElement;
  readonly #text: HTMLElement;

  constructor(status: HTMLElement, box: HTMLElement, text: HTMLElement, dismiss: HTMLElement) {
    this.#status = status;
    this.#box = box;
    this.#text = text;
    dismiss.addEventListener('click', () => this.clearError());
  }

  status(text: string): void {
    this.#status.textContent = text;
  }

  error(error: unknown, doing: string): void {
    const text = describeError(error, doing);
    console.error(text, error);
    this.#text.textContent = text;
    this.#box.hidden = false;
    document.body.dataset.errors = String(Number(document.body.dataset.errors ?? 0) + 1);
  }

  clearError(): void {
    this.#box.hidden = true;
    this.#text.textContent = '';
  }
}
