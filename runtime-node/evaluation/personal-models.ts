// Networks personalised to each identity (Sec. 5.1): a pretrained network fine-tuned on each identity's training
// frames with the paper's personalisation recipe (20 epochs, batch 16; the best epoch on that person's validation
// frames kept; a face network's output first re-centred on the person, as runFinetune does by default), or
// loaded from a folder laid out as talking-head/pretrained/personal/: <folder>/<identity>/<variant>.safetensors.
//   Table 3's personalised rows: PGFace and the fixed-identity baseline, for every identity with face coefficients.
//     Both know whose face they generate: PGFace through its weights, the baseline through its mean identity.
//   The personalised PoseGAN (issue 14): for every identity with training windows. The shared PoseGAN has no
//     identity input, so on speech it has never heard it moves every person's head alike; fine-tuned on one
//     person it moves like that person.
// Every identity's network starts from the same pretrained one and sees only that person's training frames.
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../../talking-head/data/dataset.ts';
import { type LoadedPgFace, type LoadedPoseGan, loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { personalFacePath } from '../files/pretrained.ts';
import { runFinetune } from '../training/finetune-command.ts';
import { type ModelSource, type TrainingPlan, trainingRecord } from './eval-models.ts';

export type PersonalVariant = 'pgface' | 'fixed-identity' | 'posegan';

export interface PersonalRequest {
  readonly variant: PersonalVariant;
  /** the pretrained checkpoint every person's network starts from */
  readonly pretrained: string;
  /** a folder of personalised checkpoints to load instead of fine-tuning here */
  readonly given?: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
}

type Loaded<V extends PersonalVariant> = V extends 'posegan' ? LoadedPoseGan : LoadedPgFace;

/** The identities a variant is personalised to: those with face coefficients (face networks) or training windows (PoseGAN). */
function personalIdentities(dataset: Dataset, variant: PersonalVariant): string[] {
  if (variant !== 'posegan') return [...new Set(dataset.clips.filter((c) => c.face).map((c) => c.entry.identity))];
  return [...new Set(dataset.manifest.windows.train.map(([clip]) => dataset.clips[clip]!.entry.identity))];
}

/** identity name -> its personalised network. */
export async function personalModels<V extends PersonalVariant>(engine: Engine, dataset: Dataset, plan: TrainingPlan, modelsFolder: string, request: PersonalRequest & { variant: V }, log: (line: string) => void): Promise<{ models: Map<string, Loaded<V>>; sources: ModelSource[] }> {
  const models = new Map<string, Loaded<V>>();
  const sources: ModelSource[] = [];
  for (const identity of personalIdentities(dataset, request.variant)) {
    const name = `${request.variant}, personalised to ${identity}`;
    let checkpoint: string;
    let source: ModelSource;
    if (request.given) {
      checkpoint = personalFacePath(request.given, identity, request.variant);
      if (!(await pathExists(checkpoint))) throw new Error(`${request.given}: no personalised ${request.variant} checkpoint for '${identity}' (expected ${checkpoint})`);
      source = { name, checkpoint, origin: 'given', variant: request.variant, seed: null, epochs: null, bestEpoch: null, bestValidation: null, seconds: 0 };
    } else {
      const out = join(modelsFolder, `personal-${request.variant}`, identity);
      checkpoint = join(out, 'best.safetensors');
      const reuse = plan.reuseTrained && (await pathExists(checkpoint));
      if (reuse) {
        log(`${name}: reusing ${checkpoint}`);
      } else {
        log(`${name}: fine-tuning ${request.pretrained} (${request.epochs} epochs, batch ${request.batch})`);
        await runFinetune({
          from: request.pretrained, dataset: plan.datasetFolder, identity, out, epochs: request.epochs, batch: request.batch, lr: request.lr,
          seed: request.seed, faceModel: plan.faceModel, overwrite: true, progress: false, producedBy: plan.producedBy, engine, log: (line) => log(`  ${name}: ${line}`),
        });
      }
      source = { ...(await trainingRecord(out)), name, checkpoint, origin: reuse ? 'reused' : 'trained', variant: request.variant, seed: request.seed };
    }
    const bytes = await readFileBytes(checkpoint);
    models.set(identity, (request.variant === 'posegan' ? loadPoseGan(engine, bytes, checkpoint) : loadPgFace(engine, bytes, checkpoint)) as Loaded<V>);
    sources.push(source);
  }
  return { models, sources };
}
