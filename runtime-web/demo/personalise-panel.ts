// The "personalise" panel: the person's clips in (talking-head videos, tracked in the page by the track panel,
// or coefficient files), PoseGAN and, when the clips have face coefficients, PGFace fine-tuned in the page by the
// same fine-tune as `posedyn finetune` (talking-head/workflows/fine-tune.ts), a progress bar and loss curves
// while it runs, the new checkpoints (best epoch on validation) offered for download and handed to the page.
import type { Engine } from '../../core/engine.ts';
import { discoverClips } from '../../talking-head/data/clip-sources.ts';
import type { AudioFeatureConfig } from '../../talking-head/features/config.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { type TrackVideoFile, personDatasetFromFiles } from '../../talking-head/workflows/clip-files.ts';
import { fineTune } from '../../talking-head/workflows/fine-tune.ts';
import { acceptFiles, type PageFile } from './file-drop.ts';
import { drawCurve } from './line-plot.ts';

/** Windows a step in the page (PoseGAN); PGFace's steps are frame pairs, 8 times as many. */
const PAGE_BATCH = 2;
const PAGE_FACE_BATCH = 16;

export interface PersonaliseElements {
  readonly drop: HTMLElement;
  readonly picker: HTMLInputElement;
  readonly summary: HTMLElement;
  readonly steps: HTMLInputElement;
  readonly start: HTMLButtonElement;
  readonly progress: HTMLProgressElement;
  readonly lossPlot: HTMLCanvasElement;
  readonly download: HTMLAnchorElement;
  readonly downloadFace: HTMLAnchorElement;
}

export interface PersonaliseHooks {
  /** The engine, the checkpoints in use and the face model of PGFace's vertex losses (null until loaded). */
  readonly current: () => { engine: Engine; posegan: PageFile; pgface: PageFile | null; featureConfig: AudioFeatureConfig; faceModel: FaceModel } | null;
  /** Runs work under the page's busy lock, reporting an error as `doing` failed. */
  readonly run: (doing: string, work: () => Promise<void>) => Promise<void>;
  /** Tracks a dropped video (the track panel's tracker). */
  readonly trackVideo: TrackVideoFile;
  readonly onFineTuned: (checkpoints: PageFile[]) => Promise<void>;
}

export class PersonalisePanel {
  readonly #ui: PersonaliseElements;
  readonly #hooks: PersonaliseHooks;
  readonly #files = new Map<string, Uint8Array>();
  readonly #downloadUrls: string[] = [];

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
    await this.#hooks.run('Fine-tuning on the dropped clips', async () => {
      const current = this.#hooks.current();
      if (!current) throw new Error('no PoseGAN checkpoint is loaded yet');
      const steps = Math.max(1, Math.floor(Number(this.#ui.steps.value) || 1));
      const files = [...this.#files].map(([name, bytes]) => ({ name, bytes }));
      const windowLength = Number(decodeCheckpoint(current.posegan.bytes, current.posegan.name).meta.modelConfig.frames);
      const { dataset } = await personDatasetFromFiles(current.engine, files, current.featureConfig, windowLength, this.#hooks.trackVideo);
      const dataSource = `the dropped clips (${dataset.clips.map((c) => c.entry.name).join(', ')})`;
      const withFace = current.pgface !== null && dataset.manifest.stats.face !== null;
      const parts = withFace ? 2 : 1;
      const run = async (checkpoint: PageFile, part: number, label: string, loss: 'l2' | 'total', batch: number) => {
        const losses: number[] = [];
        const { checkpoint: bytes } = await fineTune(current.engine, checkpoint.bytes, checkpoint.name, dataset, {
          dataSource,
          producedBy: `posedyn in-page fine-tuning of ${checkpoint.name} (${steps} steps)`,
          // Small batches keep a step short on a software adapter; the page's one departure from Sec. 5.1's 16.
          batch,
          faceModel: current.faceModel,
          epochs: Number.MAX_SAFE_INTEGER, // the step budget below ends it
          maxSteps: steps,
          onStep: (p) => {
            losses.push(p.losses[loss] ?? NaN);
            this.#ui.progress.value = (part + losses.length / steps) / parts;
            drawCurve(this.#ui.lossPlot, losses, label);
          },
        });
        return bytes;
      };
      this.#ui.progress.value = 0;
      const made: PageFile[] = [{ name: this.#ui.download.download, bytes: await run(current.posegan, 0, 'PoseGAN L2 loss (Eq. 5)', 'l2', PAGE_BATCH) }];
      if (withFace) made.push({ name: this.#ui.downloadFace.download, bytes: await run(current.pgface!, 1, 'PGFace loss (Eq. 7-8)', 'total', PAGE_FACE_BATCH) });
      for (const url of this.#downloadUrls.splice(0)) URL.revokeObjectURL(url);
      this.#ui.downloadFace.hidden = true;
      made.forEach((file, k) => {
        const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
        this.#downloadUrls.push(url);
        const link = k === 0 ? this.#ui.download : this.#ui.downloadFace;
        link.href = url;
        link.hidden = false;
      });
      await this.#hooks.onFineTuned(made);
    });
  }
}
