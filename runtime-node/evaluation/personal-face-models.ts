// Table 3's personalised rows: a pretrained face network (PGFace, or the fixed-identity baseline) fine-tuned on
// each identity's training frames with the paper's personalisation recipe (Sec. 5.1: 20 epochs, batch 16; the
// best epoch on that person's validation frames kept; the output first re-centred on the person, as runFinetune
// does by default), or loaded from a folder laid out as
// talking-head/pretrained/personal/: <folder>/<identity>/<variant>.safetensors.
// Every identity's network starts from the same pretrained one and sees only that person's training frames,
// so both methods know whose face they generate: PGFace through its weights, the baseline through its mean
// identity coefficients.
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../../talking-head/data/dataset.ts';
import { type LoadedPgFace, loadPgFace } from '../../talking-head/inference/load-models.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { personalFacePath } from '../files/pretrained.ts';
import { runFinetune } from '../training/finetune-command.ts';
import { type ModelSource, type TrainingPlan, trainingRecord } from './eval-models.ts';

export interface PersonalFaceRequest {
  readonly variant: 'pgface' | 'fixed-identity';
  /** the pretrained checkpoint every person's network starts from */
  readonly pretrained: string;
  /** a folder of personalised checkpoints to load instead of fine-tuning here */
  readonly given?: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
}

/** identity name -> its personalised network, for every identity of the dataset with face coefficients. */
export async function personalFaceModels(engine: Engine, dataset: Dataset, plan: TrainingPlan, modelsFolder: string, request: PersonalFaceRequest, log: (line: string) => void): Promise<{ models: Map<string, LoadedPgFace>; sources: ModelSource[] }> {
  const identities = [...new Set(dataset.clips.filter((c) => c.face).map((c) => c.entry.identity))];
  const models = new Map<string, LoadedPgFace>();
  const sources: ModelSource[] = [];
  for (const identity of identities) {
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
    models.set(identity, loadPgFace(engine, await readFileBytes(checkpoint), checkpoint));
    sources.push(source);
  }
  return { models, sources };
}
