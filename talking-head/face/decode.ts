// Eq. (2) on the GPU for a batch of frames: coefficients [N, 144] (alpha_id then alpha_exp) -> vertices
// [N, V * 3], as a differentiable op (the gradient flows to the coefficients; the model is constant).
import type { Engine } from '../../core/engine.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { zeros } from '../../core/creation.ts';
import { sum } from '../../core/ops/reduce.ts';
import { ShapeError, formatShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';
import { decodeBackwardChunks, faceDecodeBackwardLaunch, faceDecodeLaunch } from '../kernels/face-decode.ts';
import { FACE_COEFFICIENTS, type FaceModel, assertFaceModel, combinedBasis } from './face-model.ts';

/** A face model's mean and combined basis on the GPU, uploaded once; decodes batches of coefficients. */
export class FaceDecoder {
  readonly model: FaceModel;
  /** Shape `[V * 3, 144]`: row r = [idBasis row r, expBasis row r] */
  readonly basis: Tensor;
  /** [V * 3] */
  readonly mean: Tensor;

  constructor(engine: Engine, model: FaceModel) {
    assertFaceModel(model);
    this.model = model;
    const rows = 3 * model.vertexCount;
    this.basis = engine.keep(Tensor.fromArray(engine, combinedBasis(model), [rows, FACE_COEFFICIENTS], `${model.name}.basis`));
    this.mean = engine.keep(Tensor.fromArray(engine, model.mean, [rows], `${model.name}.mean`));
  }

  /** coeffs [N, 144] -> vertices [N, V * 3]. */
  decode(coeffs: Tensor): Tensor {
    return decodeFace(coeffs, this.basis, this.mean);
  }

  dispose(): void {
    this.basis.dispose();
    this.mean.dispose();
  }
}

/**
 * S = mean + basis · c for every frame: coeffs [N, 144], basis [R, 144], mean [R] -> [N, R].
 * Backward: dc = dS · basis (per frame, basisᵀ dS), summed over row chunks; no gradient for basis or mean.
 */
export function decodeFace(coeffs: Tensor, basis: Tensor, mean: Tensor): Tensor {
  const rows = basis.shape[0] ?? 0;
  if (basis.rank !== 2 || basis.shape[1] !== FACE_COEFFICIENTS || mean.rank !== 1 || mean.shape[0] !== rows) {
    throw new ShapeError(`decodeFace: basis ${formatShape(basis.shape)} and mean ${formatShape(mean.shape)} do not fit: expected [R, ${FACE_COEFFICIENTS}] and [R]`);
  }
  if (coeffs.rank !== 2 || coeffs.shape[1] !== FACE_COEFFICIENTS) {
    throw new ShapeError(`decodeFace: coefficients ${coeffs.name} have shape ${formatShape(coeffs.shape)}, expected [N, ${FACE_COEFFICIENTS}] (alpha_id 80, alpha_exp 64)`);
  }
  const frames = coeffs.shape[0]!;
  const engine = coeffs.engine;
  const vertices = Tensor.empty(engine, [frames, rows], 'faceVertices');
  if (vertices.size > 0) engine.dispatch(faceDecodeLaunch(basis.buffer, mean.buffer, coeffs.buffer, vertices.buffer, frames, rows));
  return recordGrad(vertices, 'decodeFace', [coeffs], (dS) => {
    if (frames === 0 || rows === 0) return [zeros(engine, coeffs.shape, 'decodeFace.grad')];
    const chunks = decodeBackwardChunks(rows);
    const partial = Tensor.empty(engine, [chunks, frames, FACE_COEFFICIENTS], 'decodeFace.partialGrad');
    engine.dispatch(faceDecodeBackwardLaunch(basis.buffer, dS.buffer, partial.buffer, frames, rows));
    if (chunks === 1) return [partial.view(coeffs.shape)];
    return [sum(partial, 0)];
  });
}
