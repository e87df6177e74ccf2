// Table 3: PGFace vs the fixed-identity baseline on the test split. Each model sees every test frame's audio
// window and the *real* pose of that frame (normalised), so the table isolates the face network from PoseGAN;
// its coefficients are de-normalised and compared to the tracked ones on decoded vertices (face-distances.ts).
// The fixed-identity model's identity coefficients are the person's mean over the training frames (as in
// training, models/training/fixed-identity.ts); only its expression comes from the network.
// A method may use one network for everyone (pretrained on all identities) or one a person (personalised,
// Sec. 5.1): PGFace has no identity input, so a network shared by several people must tell from 16 frames of
// audio and a pose whose identity to generate, while the baseline is handed the person's mean identity.
// Each row gives the distances with the lower-face weights of Eq. (7)-(8) (the paper's L_shape and
// L_s-motion) and with every vertex weighted 1 (face-distances.ts).
import { tensor } from '../../engine/creation.ts';
import type { Engine } from '../../engine/engine.ts';
import { type Dataset, poseBatch } from '../data/dataset.ts';
import { FACE_CHANNELS, STD_FLOOR } from '../data/dataset-format.ts';
import { type FaceModel, ID_COMPONENTS } from '../face/face-model.ts';
import { generateFaceSequence } from '../inference/generate.ts';
import type { PgFace } from '../pgface/pgface.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean, bootstrapPairedDifference } from './bootstrap.ts';
import { faceVertexDistances, vertexGram } from './face-distances.ts';
import type { FrameSum } from './pose-distances.ts';
import type { EvaluationSegment } from './pose-methods.ts';

export interface FaceMethod {
  /** the network that generates this identity's faces */
  readonly modelFor: (identity: string) => PgFace;
  /** identity name -> normalised mean alpha_id [80] (the fixed-identity baseline), or null (PGFace) */
  readonly fixedIdentity: ReadonlyMap<string, readonly number[]> | null;
}

export interface FaceRow {
  readonly method: string;
  /** Eq. (7)-(8): lower-face weighted */
  readonly shape: Estimate;
  readonly motion: Estimate;
  /** every vertex weighted 1 */
  readonly uniform: { readonly shape: Estimate; readonly motion: Estimate };
}

/** method - baseline on the same test segments (paired bootstrap): negative = the method is closer to the real face. */
export interface FaceDifference {
  readonly method: string;
  readonly baseline: string;
  readonly shape: Estimate;
  readonly motion: Estimate;
  readonly uniform: { readonly shape: Estimate; readonly motion: Estimate };
}

export interface FaceTable {
  readonly rows: FaceRow[];
  readonly differences: FaceDifference[];
}

/** The two Gram matrices of face-distances.ts (vertexGram) and the face model's vertex count. */
export interface FaceMeasure {
  readonly lowerFace: Float64Array;
  readonly uniform: Float64Array;
  readonly vertexCount: number;
}

/** Raw coefficients [L, 144] a face model generates for a segment, from its audio and real poses. */
export async function segmentFaceCoefficients(engine: Engine, dataset: Dataset, method: FaceMethod, segment: EvaluationSegment): Promise<Float32Array> {
  const name = dataset.manifest.identities[segment.identityIndex]!.name;
  const model = method.modelFor(name);
  const c = model.config;
  const stats = dataset.manifest.stats.face;
  if (!stats) throw new Error('face table: the dataset has no face-coefficient statistics');
  const arrays = poseBatch(dataset, [[segment.clipIndex, segment.range[0]]], { length: segment.length });
  model.train(false);
  const out = engine.noGrad(() => engine.tidy(() => generateFaceSequence(
    model,
    tensor(engine, arrays.audio, [segment.length, c.featureCount, c.windowFrames], 'face.audio'),
    tensor(engine, segment.real, [segment.length, c.poseChannels], 'face.pose'),
    256,
  )));
  const normalised = await out.read();
  out.dispose();
  const identity = method.fixedIdentity?.get(name);
  if (method.fixedIdentity && !identity) throw new Error(`face table: no fixed identity for '${name}'`);
  return normalised.map((v, i) => {
    const k = i % FACE_CHANNELS;
    const z = identity && k < ID_COMPONENTS ? identity[k]! : v;
    return z * Math.max(stats.std[k]!, STD_FLOOR) + stats.mean[k]!;
  });
}

interface SegmentSums {
  readonly shape: FrameSum[];
  readonly motion: FrameSum[];
  readonly uniformShape: FrameSum[];
  readonly uniformMotion: FrameSum[];
}

/**
 * Every method's distances over the test segments with face coefficients, and for each [method, baseline] of
 * `comparisons` their paired difference.
 */
export async function faceTable(engine: Engine, dataset: Dataset, methods: Readonly<Record<string, FaceMethod>>, segments: readonly EvaluationSegment[], measure: FaceMeasure, bootstrap: BootstrapOptions, comparisons: readonly (readonly [string, string])[] = []): Promise<FaceTable> {
  const withFace = segments.filter((s) => dataset.clips[s.clipIndex]!.face);
  if (withFace.length === 0) throw new Error('face table: no test segment has face coefficients');
  const sums = new Map<string, SegmentSums>();
  for (const [name, method] of Object.entries(methods)) {
    const own: SegmentSums = { shape: [], motion: [], uniformShape: [], uniformMotion: [] };
    for (const s of withFace) {
      const real = dataset.clips[s.clipIndex]!.face!.subarray(s.range[0] * FACE_CHANNELS, s.range[1] * FACE_CHANNELS);
      const generated = await segmentFaceCoefficients(engine, dataset, method, s);
      const weighted = faceVertexDistances(real, generated, measure.lowerFace, measure.vertexCount);
      const uniform = faceVertexDistances(real, generated, measure.uniform, measure.vertexCount);
      own.shape.push(weighted.shape);
      own.motion.push(weighted.motion);
      own.uniformShape.push(uniform.shape);
      own.uniformMotion.push(uniform.motion);
    }
    sums.set(name, own);
  }
  const rows = [...sums].map(([method, u]): FaceRow => ({
    method,
    shape: bootstrapMean(u.shape, bootstrap),
    motion: bootstrapMean(u.motion, bootstrap),
    uniform: { shape: bootstrapMean(u.uniformShape, bootstrap), motion: bootstrapMean(u.uniformMotion, bootstrap) },
  }));
  const differences = comparisons.map(([method, baseline]): FaceDifference => {
    const [a, b] = [sums.get(method), sums.get(baseline)];
    if (!a || !b) throw new Error(`face table: cannot compare '${method}' with '${baseline}' (methods: ${[...sums.keys()].join(', ')})`);
    return {
      method, baseline,
      shape: bootstrapPairedDifference(a.shape, b.shape, bootstrap),
      motion: bootstrapPairedDifference(a.motion, b.motion, bootstrap),
      uniform: { shape: bootstrapPairedDifference(a.uniformShape, b.uniformShape, bootstrap), motion: bootstrapPairedDifference(a.uniformMotion, b.uniformMotion, bootstrap) },
    };
  });
  return { rows, differences };
}

/** Both Gram matrices of a face model, for faceTable. */
export async function faceMeasure(engine: Engine, model: FaceModel): Promise<FaceMeasure> {
  return { lowerFace: await vertexGram(engine, model, 'lower-face'), uniform: await vertexGram(engine, model, 'uniform'), vertexCount: model.vertexCount };
}
