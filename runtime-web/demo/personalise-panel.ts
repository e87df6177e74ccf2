// The "personalise" panel: the person's clips in, PoseGAN fine-tuned in the page by the same fine-tune as
// `posedyn finetune` (talking-head/workflows/fine-tune.ts), a progress bar and loss curve while it runs, the new
// checkpoint (best epoch on validation) offered for download and handed to the page.
import type { Engine } from '../../core/engine.ts';
import { discoverClips } from '../../talking-head/data/clip-sources.ts';
import type { AudioFeatureConfig } from '../../talking-head/features/config.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { personDatasetFromFiles } from '../../talking-head/workflows/clip-files.ts';
import { fineTune } from '../../talking-head/workflows/fine-tune.ts';
import { acceptFiles, type PageFile } from './file-drop.ts';
import { drawCurve } from './line-plot.ts';

/** Windows a step in the page. */
const PAGE_BATCH = 2;

export interface PersonaliseElements {
  readonly drop: HTMLElement;
  readonly picker: HTMLInputElement;
  readonly summary: HTMLElement;
  readonly steps: HTMLInputElement;
  readonly start: HTMLButtonElement;
  readonly progress: HTMLProgressElement;
  readonly lossPlot: HTMLCanvasElement;
  readonly download: HTMLAnchorElement;
}

export interface PersonaliseHooks {
  /** The engine and the PoseGAN checkpoint in use (null until loaded). */
  readonly current: () => { engine: Engine; posegan: PageFile; featureConfig: AudioFeatureConfig } | null;
  /** Runs work under the page's busy lock, reporting an error as `doing` failed. */
  readonly run: (doing: string, work: () => Promise<void>) => Promise<void>;
  readonly onFineTuned: (checkpoint: PageFile) => Promise<void>;
}

export class PersonalisePanel {
  readonly #ui: PersonaliseElements;
  readonly #hooks: PersonaliseHooks;
  readonly #files = new Map<string, Uint8Array>();
  #downloadUrl: string | null = null;

  constructor(ui: PersonaliseElements, hooks: PersonaliseHooks) {
    this.#ui = ui;
    this.#hooks = hooks;
    acceptFiles(ui.drop, ui.picker, (files) => this.#add(files));
    ui.start.addEventListener('click', () => void this.#fineTune());
    drawCurve(ui.lossPlot, [], 'loss');
  }

  /** Enables the button when there is something to fine-tune on and nothing else runs. */
  setEnabled(enabled: boolean): void {
    this.#ui.start.disabled = !enabled || this.#files.size === 0;
  }

  #add(files: PageFile[]): void {
    for (const f of files) this.#files.set(f.name, f.bytes);
    const found = discoverClips([...this.#files.keys()]);
    const clips = found.clips.map((c) => `${c.stem} (${c.audio.file} + ${c.pose.file})`);
    const skipped = found.skipped.map((s) => `not used: ${s.file}: ${s.reason}`);
    this.#ui.summary.textContent = [clips.length ? `clips: ${clips.join(', ')}` : 'no complete clip yet', ...skipped].join('\n');
    this.setEnabled(true);
  }

  async #fineTune(): Promise<void> {
    await this.#hooks.run('Fine-tuning PoseGAN on the dropped clips', async () => {
      const current = this.#hooks.current();
      if (!current) throw new Error('no PoseGAN checkpoint is loaded yet');
      const steps = Math.max(1, Math.floor(Number(this.#ui.steps.value) || 1));
      const files = [...this.#files].map(([name, bytes]) => ({ name, bytes }));
      const windowLength = Number(decodeCheckpoint(current.posegan.bytes, current.posegan.name).meta.modelConfig.frames);
      const { dataset } = await personDatasetFromFiles(current.engine, files, current.featureConfig, windowLength);
      const losses: number[] = [];
      this.#ui.progress.value = 0;
      const { checkpoint: bytes } = await fineTune(current.engine, current.posegan.bytes, current.posegan.name, dataset, {
        dataSource: `the dropped clips (${dataset.clips.map((c) => c.entry.name).join(', ')})`,
        producedBy: `posedyn in-page fine-tuning of ${current.posegan.name} (${steps} steps)`,
        // A small batch keeps a step short on a software adapter; the page's one departure from Sec. 5.1's 16.
        batch: PAGE_BATCH,
        epochs: Number.MAX_SAFE_INTEGER, // the step budget below ends it
        maxSteps: steps,
        onStep: (p) => {
          losses.push(p.losses.l2 ?? NaN);
          this.#ui.progress.value = losses.length / steps;
          drawCurve(this.#ui.lossPlot, losses, 'L2 loss (Eq. 5)');
        },
      });
      if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
      this.#downloadUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      this.#ui.download.href = this.#downloadUrl;
      this.#ui.download.hidden = false;
      await this.#hooks.onFineTuned({ name: this.#ui.download.download, bytes });
    });
  }
}
