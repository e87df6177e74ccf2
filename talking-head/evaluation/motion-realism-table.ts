// The motion-realism section of the evaluation (issue 14; measures in motion-realism.ts), for every pose method
// and identity, in two settings:
//   test split     each test segment generated from its real first pose (as Table 2), against the identity's
//                  real test segments
//   unseen speech  each speech file generated as inference does (from the identity's rest pose, windows
//                  chained by their last pose), against the identity's whole real clips (all splits)
// and the window joins of whole generated sequences: the styletalk clips (as inference runs them) and the
// speech files, against the real frame-to-frame motion of every clip of the dataset.
// A method gives a PoseGAN checkpoint for each identity: the shared one, or one personalised to that person.
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../data/dataset.ts';
import { type LoadedPoseGan } from '../inference/load-models.ts';
import { speechPoseSequence } from '../inference/generate.ts';
import { windowSpacing } from '../inference/pose-windows.ts';
import type { BootstrapOptions } from './bootstrap.ts';
import { ALL_CHANNELS, type JoinMeasure, ROTATION_CHANNELS, type RealismRow, realismRow, windowJoins } from './motion-realism.ts';
import { evaluationSegments, generatorPoses, wholeClipPoses } from './pose-methods.ts';

export interface RealismMethod {
  readonly name: string;
  /** the checkpoint that generates for identity k (index into the dataset's identities) */
  readonly model: (identityIndex: number) => LoadedPoseGan;
}

export interface SpeechInput {
  readonly name: string;
  /** 16 kHz mono */
  readonly samples: Float32Array;
}

export interface JoinRow {
  readonly method: string;
  readonly setting: 'styletalk clips' | 'unseen speech';
  /** frames between window starts (windowHop) */
  readonly windowLength: number;
  readonly all: JoinMeasure;
  readonly rotation: JoinMeasure;
}

export interface MotionRealismTable {
  readonly speechFiles: string[];
  readonly testSplit: RealismRow[];
  readonly speech: RealismRow[];
  readonly joins: JoinRow[];
  /** normalised generated poses of the first speech file for each method and identity, for figures */
  readonly speechExample: { readonly method: string; readonly identity: string; readonly pose: Float32Array }[];
}

async function speechPoses(engine: Engine, model: LoadedPoseGan, dataset: Dataset, identityIndex: number, samples: Float32Array): Promise<Float32Array> {
  const identity = dataset.manifest.identities[identityIndex]!;
  const poses = engine.noGrad(() => engine.tidy(() => speechPoseSequence(engine, model, samples, identity)?.poses ?? null));
  if (!poses) return new Float32Array(0);
  const values = await poses.read();
  poses.dispose();
  return values;
}

export async function motionRealismTable(engine: Engine, dataset: Dataset, methods: readonly RealismMethod[], speech: readonly SpeechInput[], bootstrap: BootstrapOptions): Promise<MotionRealismTable> {
  const identities = dataset.manifest.identities.map((i) => i.name);
  const segments = evaluationSegments(dataset, 'test');
  const allReal = dataset.clips.map((c) => c.normalised.pose);
  const testSplit: RealismRow[] = [];
  const speechRows: RealismRow[] = [];
  const joins: JoinRow[] = [];
  const speechExample: MotionRealismTable['speechExample'] = [];
  for (const method of methods) {
    const clipPoses: Float32Array[] = [];
    for (const clip of dataset.clips) clipPoses.push(await wholeClipPoses(engine, method.model(clip.identityIndex).generator, dataset, clip.index, 'chained'));
    const speechAll: Float32Array[] = [];
    for (let k = 0; k < identities.length; k++) {
      const mine = segments.filter((s) => s.identityIndex === k);
      if (mine.length > 0) {
        const generated = await generatorPoses(engine, method.model(k).generator, dataset, mine);
        testSplit.push(realismRow(identities[k]!, method.name, generated, mine.map((s) => s.real), bootstrap));
      }
      const generated: Float32Array[] = [];
      for (const input of speech) generated.push(await speechPoses(engine, method.model(k), dataset, k, input.samples));
      const own = dataset.clips.filter((c) => c.identityIndex === k).map((c) => c.normalised.pose);
      if (generated.length > 0) {
        speechRows.push(realismRow(identities[k]!, method.name, generated, own, bootstrap));
        speechExample.push({ method: method.name, identity: identities[k]!, pose: generated[0]! });
      }
      speechAll.push(...generated);
    }
    const spacing = windowSpacing(method.model(0).config);
    const windowLength = spacing.hop;
    const joinRow = (setting: JoinRow['setting'], generated: readonly Float32Array[]): JoinRow => ({
      method: method.name, setting, windowLength,
      all: windowJoins(generated, allReal, spacing, ALL_CHANNELS),
      rotation: windowJoins(generated, allReal, spacing, ROTATION_CHANNELS),
    });
    joins.push(joinRow('styletalk clips', clipPoses));
    if (speechAll.length > 0) joins.push(joinRow('unseen speech', speechAll));
  }
  return { speechFiles: speech.map((s) => s.name), testSplit, speech: speechRows, joins, speechExample };
}
