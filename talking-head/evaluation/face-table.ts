// Table 3: PGFace vs the fixed-identity baseline on the test split. Each model sees every test frame's audio
// window and the *real* pose of that frame (normalised), so the table isolates the face network from PoseGAN;
// its coefficients are de-normalised and compared to the tracked ones on decoded vertices (face-distances.ts).
// The fixed-identity model's identity coefficients are the person's mean over the training frames (as in
// training, talking-head/training/fixed-identity.ts); only its expression comes from the network.
// A method may use one network for everyone (pretrained on all identities) or one a person (personalised,
// Sec. 5.1): PGFace has no identity input, so a network shared by several people must tell from 16 frames of
// audio and a pose whose identity to generate, while the baseline is handed the person's mean identity.
// Each row gives the distances with the lower-face weights of Eq. (7)-(8) (the paper's L_shape and
// L_s-motion) and with every vertex weighted 1 (face-distances.ts).
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { readFinite } from '../../core/ops/non-finite.ts';
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

/** Distances by both weightings: Eq. (7)-(8) (lower face weighted) and uniform (every vertex weighted 1). */
export interface FaceDistances<T> {
  readonly shape: T;
  readonly motion: T;
  readonly uniform: { readonly shape: T; readonly motion: T };
}

export interface FaceRow extends FaceDistances<Estimate> {
  readonly method: string;
}

/** method - baseline on the same test segments (paired bootstrap): negative = the method is closer to the real face. */
export interface FaceDifference extends FaceDistances<Estimate> {
  readonly method: string;
  readonly baseline: string;
}

export interface FaceTable {
  readonly rows: FaceRow[];
  readonly differences: FaceDifference[];
}

function mapDistances<A, B>(a: FaceDistances<A>, f: (x: A, pick: (d: FaceDistances<A>) => A) => B): FaceDistances<B> {
  return {
    shape: f(a.shape, (d) => d.shape),
    motion: f(a.motion, (d) => d.motion),
    uniform: { shape: f(a.uniform.shape, (d) => d.uniform.shape), motion: f(a.uniform.motion, (d) => d.uniform.motion) },
  };
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
  let normalised: Float32Array;
  try {
    normalised = await readFinite(out, `face table: the face network of '${name}' on clip '${segment.clip}' frames ${segment.range[0]}-${segment.range[1]}`);
  } finally {
    out.dispose();
  }
  const identity = method.fixedIdentity?.get(name);
  if (method.fixedIdentity && !identity) throw new Error(`face table: no fixed identity for '${name}'`);
  return normalised.map((v, i) => {
    const k = i % FACE_CHANNELS;
    const z = identity && k < ID_COMPONENTS ? identity[k]! : v;
    return z * Math.max(stats.std[k]!, STD_FLOOR) + stats.mean[k]!;
  });
}

/**
 * Every method's raw coefficients [L, 144] on every segment that has face coefficients, generated once for the
 * tables that read them (Table 3 here, the lip-motion row in lip-motion-table.ts).
 */
export interface FaceGenerations {
  readonly segments: readonly EvaluationSegment[];
  /** method -> one array a segment, in `segments` order */
  readonly methods: ReadonlyMap<string, readonly Float32Array[]>;
}

export async function generateFaces(engine: Engine, dataset: Dataset, methods: Readonly<Record<string, FaceMethod>>, segments: readonly EvaluationSegment[]): Promise<FaceGenerations> {
  const withFace = segments.filter((s) => dataset.clips[s.clipIndex]!.face);
  if (withFace.length === 0) throw new Error('face table: no test segment has face coefficients');
  const generated = new Map<string, Float32Array[]>();
  for (const [name, method] of Object.entries(methods)) {
    const own: Float32Array[] = [];
    for (const s of withFace) own.push(await segmentFaceCoefficients(engine, dataset, method, s));
    generated.set(name, own);
  }
  return { segments: withFace, methods: generated };
}

/** The real raw coefficients [L, 144] of a segment. */
export function realFaceCoefficients(dataset: Dataset, segment: EvaluationSegment): Float32Array {
  return dataset.clips[segment.clipIndex]!.face!.subarray(segment.range[0] * FACE_CHANNELS, segment.range[1] * FACE_CHANNELS);
}

/** Every method's distances over the generated segments, and for each [method, baseline] of `comparisons` their paired difference. */
export function faceTable(dataset: Dataset, generations: FaceGenerations, measure: FaceMeasure, bootstrap: BootstrapOptions, comparisons: readonly (readonly [string, string])[] = []): FaceTable {
  const sums = new Map<string, FaceDistances<FrameSum[]>>();
  for (const [name, generated] of generations.methods) {
    const own: FaceDistances<FrameSum[]> = { shape: [], motion: [], uniform: { shape: [], motion: [] } };
    generations.segments.forEach((s, k) => {
      const real = realFaceCoefficients(dataset, s);
      const weighted = faceVertexDistances(real, generated[k]!, measure.lowerFace, measure.vertexCount);
      const uniform = faceVertexDistances(real, generated[k]!, measure.uniform, measure.vertexCount);
      own.shape.push(weighted.shape);
      own.motion.push(weighted.motion);
      own.uniform.shape.push(uniform.shape);
      own.uniform.motion.push(uniform.motion);
    });
    sums.set(name, own);
  }
  const rows = [...sums].map(([method, u]): FaceRow => ({ method, ...mapDistances(u, (units) => bootstrapMean(units, bootstrap)) }));
  const differences = comparisons.map(([method, baseline]): FaceDifference => {
    const [a, b] = [sums.get(method), sums.get(baseline)];
    if (!a || !b) throw new Error(`face table: cannot compare '${method}' with '${baseline}' (methods: ${[...sums.keys()].join(', ')})`);
    return { method, baseline, ...mapDistances(a, (units, pick) => bootstrapPairedDifference(units, pick(b), bootstrap)) };
  });
  return { rows, differences };
}

/**
 * Table 3's four methods: PGFace and the fixed-identity baseline, each as one network for everyone (`shared`)
 * and as one network a person (`personal`, identity name -> network).
 */
export function tableThreeMethods(
  shared: { readonly pgface: PgFace; readonly fixed: PgFace },
  personal: { readonly pgface: ReadonlyMap<string, PgFace>; readonly fixed: ReadonlyMap<string, PgFace> },
  fixedIdentity: ReadonlyMap<string, readonly number[]>,
): Record<string, FaceMethod> {
  const of = (networks: ReadonlyMap<string, PgFace>) => (identity: string) => {
    const network = networks.get(identity);
    if (!network) throw new Error(`face table: no personalised network for '${identity}'`);
    return network;
  };
  return {
    'Fixed identity': { modelFor: () => shared.fixed, fixedIdentity },
    PGFace: { modelFor: () => shared.pgface, fixedIdentity: null },
    'Fixed identity, personalised': { modelFor: of(personal.fixed), fixedIdentity },
    'PGFace, personalised': { modelFor: of(personal.pgface), fixedIdentity: null },
  };
}

/** Both Gram matrices of a face model, for faceTable. */
export async function faceMeasure(engine: Engine, model: FaceModel): Promise<FaceMeasure> {
  return { lowerFace: await vertexGram(engine, model, 'lower-face'), uniform: await vertexGram(engine, model, 'uniform'), vertexCount: model.vertexCount };
}
