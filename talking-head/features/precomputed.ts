// Audio features computed elsewhere, as the alternative to posedyn's own front end (PAPER.md, Data): the
// paper's DeepSpeech 0.1.0 windows as VOCA-style pipelines save them, [N, 16, 29] (frames x context x
// features, frame i in column 8), or per-frame features [N, F] to be windowed here. Either way the result is
// the network layout [N, F, context].
import type { Engine } from '../../core/engine.ts';
import { formatShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';
import type { NpyArray } from '../formats/npy.ts';
import { contextWindows } from './audio-features.ts';
import { type PrecomputedFeatureConfig, deepSpeechFeatureConfig, validateFeatureConfig } from './config.ts';

/** A row-major array, e.g. an NpyArray from talking-head/formats/npy.ts. */
export interface FeatureArray {
  readonly shape: readonly number[];
  readonly data: NpyArray['data'];
  readonly dtype?: NpyArray['dtype'];
}

/**
 * Precomputed features -> Tensor [N, F, context]. Accepts windows [N, context, F] (transposed here) or per-frame
 * features [N, F] (windowed like computeAudioFeatures). `source` names the file in errors.
 */
export function precomputedAudioFeatures(
  engine: Engine, array: FeatureArray, source: string, config: PrecomputedFeatureConfig = deepSpeechFeatureConfig,
): Tensor {
  validateFeatureConfig(config, source);
  const { context, features: F } = config;
  const expected = `[N, ${context}, ${F}] (${config.source} windows: frames x context x features) or [N, ${F}] (per-frame features)`;
  const shape = array.shape;
  const values = floatValues(array, source);
  if (shape.length === 3 && shape[1] === context && shape[2] === F) {
    // [N, context, F] -> [N, F, context]
    const N = shape[0]!;
    const out = new Float32Array(N * F * context);
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < context; c++) {
        for (let f = 0; f < F; f++) out[(i * F + f) * context + c] = values[(i * context + c) * F + f]!;
      }
    }
    assertFinite(out, source);
    return Tensor.fromArray(engine, out, [N, F, context], `${source} windows`);
  }
  if (shape.length === 2 && shape[1] === F) {
    const perFrame32 = Float32Array.from(values);
    assertFinite(perFrame32, source);
    const perFrame = Tensor.fromArray(engine, perFrame32, [shape[0]!, F], `${source} features`);
    const windows = contextWindows(perFrame, context, config.contextCentre);
    perFrame.dispose();
    return windows;
  }
  const hint = shape.length === 3 && shape[1] === F && shape[2] === context
    ? `; [N, ${F}, ${context}] is posedyn's internal layout, precomputed windows are read as [N, ${context}, ${F}]`
    : '';
  throw new RangeError(`${source}: audio features have shape ${formatShape(shape)}, expected ${expected}${hint}`);
}

function floatValues(array: FeatureArray, source: string): ArrayLike<number> {
  const data = array.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new TypeError(`${source}: audio features have dtype ${array.dtype ?? data.constructor.name}, expected float16, float32 or float64`);
  }
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new RangeError(`${source}: ${data.length} values do not fill shape ${formatShape(array.shape)}`);
  return data;
}

function assertFinite(values: Float32Array, source: string): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${source}: audio feature value ${bad} (after conversion to float32) is ${values[bad]}, expected a finite number`);
}
