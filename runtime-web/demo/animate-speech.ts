// One generation: speech -> poses and face coefficients (talking-head/inference) -> face meshes of every frame decoded
// on the GPU (talking-head/face/decode.ts), everything timed by the kernel profiler for the page's profile panel.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { formatProfileTable, startProfiling } from '../../core/profiler.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { FaceDecoder } from '../../talking-head/face/decode.ts';
import { FACE_COEFFICIENTS, typicalCoefficients } from '../../talking-head/face/face-model.ts';
import { type TalkingHeadResult, findIdentity, generateTalkingHead } from '../../talking-head/inference/generate.ts';
import type { LoadedPgFace, LoadedPoseGan } from '../../talking-head/inference/load-models.ts';

export interface Animation {
  readonly result: TalkingHeadResult;
  /** the identity's rest (mean) pose, raw units */
  readonly rest: readonly number[];
  /** [frames, V * 3], kept: the caller owns it */
  readonly vertices: Tensor;
  /** formatProfileTable of the generation and the decode */
  readonly profile: string;
}

export async function animateSpeech(
  engine: Engine, decoder: FaceDecoder, posegan: LoadedPoseGan, pgface: LoadedPgFace, samples16k: Float32Array, identity: string | undefined,
): Promise<Animation> {
  const rest = findIdentity(posegan.checkpoint.meta, identity, 'the PoseGAN checkpoint').meanPose;
  const profiler = startProfiling(engine);
  try {
    const result = await generateTalkingHead(engine, posegan, pgface, samples16k, { identity });
    if (result.frames === 0) throw new RangeError('the speech is too short: it gives no video frame (it needs at least 1/60 s)');
    const vertices = engine.keep(engine.noGrad(() => engine.tidy(() => decoder.decode(tensor(engine, result.face, [result.frames, FACE_COEFFICIENTS], 'face coefficients')))));
    const report = await profiler.collect();
    return { result, rest, vertices, profile: formatProfileTable(report) };
  } finally {
    profiler.destroy();
  }
}

/** A still face (the model's typical coefficients, face-model.ts typicalCoefficients), to draw before anything was generated. */
export function neutralFace(engine: Engine, decoder: FaceDecoder): Tensor {
  return engine.keep(engine.noGrad(() => engine.tidy(() => decoder.decode(tensor(engine, typicalCoefficients(decoder.model), [1, FACE_COEFFICIENTS], 'neutral face')))));
}
