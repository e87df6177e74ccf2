// The matrix of PGFace's vertex losses in coefficient space (see talking-head/kernels/masked-vertex-loss.wgsl):
//   Q = B^T M^2 B over the face model's combined basis B [3V, 144] and the lower-face mask M (10 / 1),
// then expressed in the dataset's normalised coefficient units: alpha = mean + std z, so
//   r^T Q r = (std z_r)^T Q (std z_r) = z_r^T (Q (.) std std^T) z_r.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { mul } from '../../core/ops/elementwise.ts';
import { matmul } from '../../core/ops/matmul.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { ChannelStats } from '../data/dataset-format.ts';
import { FACE_COEFFICIENTS, type FaceModel, lowerFaceWeightedBasis } from '../face/face-model.ts';

/** Q [144, 144] in normalised coefficient units, on the GPU, owned by the caller. */
export function faceQuadraticForm(engine: Engine, model: FaceModel, faceStats: ChannelStats): Tensor {
  const q = engine.noGrad(() =>
    engine.tidy(() => {
      const weighted = tensor(engine, lowerFaceWeightedBasis(model), [3 * model.vertexCount, FACE_COEFFICIENTS]);
      const gram = matmul(weighted, weighted, { transposeA: true });
      const std = faceStats.std.map((s) => Math.max(s, 1e-6));
      const scale = new Float32Array(FACE_COEFFICIENTS * FACE_COEFFICIENTS);
      for (let i = 0; i < FACE_COEFFICIENTS; i++) for (let j = 0; j < FACE_COEFFICIENTS; j++) scale[i * FACE_COEFFICIENTS + j] = std[i]! * std[j]!;
      return mul(gram, tensor(engine, scale, [FACE_COEFFICIENTS, FACE_COEFFICIENTS]));
    }),
  );
  q.name = 'face quadratic form';
  return engine.keep(q);
}
