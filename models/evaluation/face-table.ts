// Table 3: PGFace vs the fixed-identity baseline on the test split. Each model sees every test frame's audio
// window and the *real* pose of that frame (normalised), so the table isolates the face network from PoseGAN;
// its coefficients are de-normalised and compared to the tracked ones on decoded vertices (face-distances.ts).
// The fixed-identity model's identity coefficients are the person's mean over the training frames (as in
// training, models/training/fixed-identity.ts); only its expression comes from the network.
import { tensor } from '../../engine/creation.ts';
import type { Engine } from '../../engine/engine.ts';
import { type Dataset, poseBatch } from '../data/dataset.ts';
import { FACE_CHANNELS, STD_FLOOR } from '../data/dataset-format.ts';
import { ID_COMPONENTS } from '../face/face-model.ts';
import { generateFaceSequence } from '../inference/generate.ts';
import type { PgFace } from '../pgface/pgface.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean } from './bootstrap.ts';
import { faceVertexDistances } from './face-distances.ts';
import type { EvaluationSegment } from './pose-methods.ts';

export interface FaceMethod {
  readonly model: PgFace;
  /** identity name -> normalised mean alpha_id [80] (the fixed-identity baseline), or null (PGFace) */
  readonly fixedIdentity: ReadonlyMap<string, readonly number[]> | null;
}

export interface FaceRow {
  readonly method: string;
  readonly shape: Estimate;
  readonly motion: Estimate;
}

/** Raw coefficients [L, 144] a face model generates for a segment, from its audio and real poses. */
export async function segmentFaceCoefficients(engine: Engine, dataset: Dataset, method: FaceMethod, segment: EvaluationSegment): Promise<Float32Array> {
  const c = method.model.config;
  const stats = dataset.manifest.stats.face;
  if (!stats) throw new Error('face table: the dataset has no face-coefficient statistics');
  const arrays = poseBatch(dataset, [[segment.clipIndex, segment.range[0]]], { length: segment.length });
  method.model.train(false);
  const out = engine.noGrad(() => engine.tidy(() => generateFaceSequence(
    method.model,
    tensor(engine, arrays.audio, [segment.length, c.featureCount, c.windowFrames], 'face.audio'),
    tensor(engine, segment.real, [segment.length, c.poseChannels], 'face.pose'),
    256,
  )));
  const normalised = await out.read();
  out.dispose();
  const identity = method.fixedIdentity?.get(dataset.manifest.identities[segment.identityIndex]!.name);
  if (method.fixedIdentity && !identity) throw new Error(`face table: no fixed identity for '${dataset.manifest.identities[segment.identityIndex]!.name}'`);
  return normalised.map((v, i) => {
    const k = i % FACE_CHANNELS;
    const z = identity && k < ID_COMPONENTS ? identity[k]! : v;
    return z * Math.max(stats.std[k]!, STD_FLOOR) + stats.mean[k]!;
  });
}

export async function faceTable(engine: Engine, dataset: Dataset, methods: Readonly<Record<string, FaceMethod>>, segments: readonly EvaluationSegment[], gram: Float64Array, vertexCount: number, bootstrap: BootstrapOptions): Promise<FaceRow[]> {
  const withFace = segments.filter((s) => dataset.clips[s.clipIndex]!.face);
  if (withFace.length === 0) throw new Error('face table: no test segment has face coefficients');
  const rows: FaceRow[] = [];
  for (const [name, method] of Object.entries(methods)) {
    const shape = [];
    const motion = [];
    for (const s of withFace) {
      const real = dataset.clips[s.clipIndex]!.face!.subarray(s.range[0] * FACE_CHANNELS, s.range[1] * FACE_CHANNELS);
      const d = faceVertexDistances(real, await segmentFaceCoefficients(engine, dataset, method, s), gram, vertexCount);
      shape.push(d.shape);
      motion.push(d.motion);
    }
    rows.push({ method: name, shape: bootstrapMean(shape, bootstrap), motion: bootstrapMean(motion, bootstrap) });
  }
  return rows;
}
