// The matmul kernel family (core/kernels/variants.ts): the portable register-blocked kernel of matmul.wgsl
// ("register"), A tiles shared over a subgroup ("subgroup-rRcC", the CPU adapters' winner), the same with K
// zero-padded to a whole vec4 first ("subgroup-rRcC-padk": for K not a multiple of 4, which the vec4 kernels
// cannot read, e.g. PGFace's hidden layer on 128 audio + 6 pose values), and 64 x 64 workgroup-memory tiles
// ("workgroup-tile64", the GPU-style kernel). Measurements: core/kernels/PERFORMANCE.md.
import { padLaunch } from './layout.ts';
import { type MatmulDims, matmulLaunch } from './matmul.ts';
import { type MatmulBlocking, matmulAligned, matmulSubgroupLaunch, matmulTileLaunch, subgroupBlockingFits } from './matmul-subgroup.ts';
import { type KernelFamily, type KernelVariant, fixedSubgroupSize, sizeClass } from './variants.ts';

/** out [batch, M, N] = opA(a) opB(b) (+ bias [N]). */
export interface MatmulProblem {
  readonly a: GPUBuffer;
  readonly b: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly out: GPUBuffer;
  readonly dims: MatmulDims;
}

const register: KernelVariant<MatmulProblem> = {
  name: 'register',
  supports: () => true,
  launches: ({ a, b, bias, out, dims }) => [matmulLaunch(a, b, bias, out, dims)],
};

function subgroup(blocking: MatmulBlocking): KernelVariant<MatmulProblem> {
  return {
    name: `subgroup-r${blocking.rows}c${4 * blocking.columns4}`,
    supports: ({ dims }, device) => matmulAligned(dims) && subgroupBlockingFits(blocking, fixedSubgroupSize(device)),
    launches: ({ a, b, bias, out, dims }, device) => [matmulSubgroupLaunch(a, b, bias, out, dims, blocking, fixedSubgroupSize(device))],
  };
}

/**
 * The problem with K rounded up to a whole vec4, when that is all that keeps it from the aligned kernels (and
 * each operand's matrices are contiguous or shared); null otherwise. The padding adds products of zeros only.
 */
export function matmulPaddedK(d: MatmulDims): MatmulDims | null {
  if (d.k === 0 || d.k % 4 === 0) return null;
  const k = Math.ceil(d.k / 4) * 4;
  if ((d.aBatchStride !== 0 && d.aBatchStride !== d.m * d.k) || (d.bBatchStride !== 0 && d.bBatchStride !== d.k * d.n)) return null;
  const padded = { ...d, k, aBatchStride: d.aBatchStride === 0 ? 0 : d.m * k, bBatchStride: d.bBatchStride === 0 ? 0 : k * d.n };
  return matmulAligned(padded) ? padded : null;
}

/** subgroup(blocking) on copies of A and B whose K is zero-padded to a whole vec4 (matmulPaddedK). */
function paddedSubgroup(blocking: MatmulBlocking): KernelVariant<MatmulProblem> {
  return {
    name: `subgroup-r${blocking.rows}c${4 * blocking.columns4}-padk`,
    supports: ({ dims }, device) => matmulPaddedK(dims) !== null && subgroupBlockingFits(blocking, fixedSubgroupSize(device)),
    launches({ a, b, bias, out, dims }, device, scratch) {
      const padded = matmulPaddedK(dims)!;
      const extra = padded.k - dims.k;
      const aMatrices = dims.aBatchStride === 0 ? 1 : dims.batch;
      const bMatrices = dims.bBatchStride === 0 ? 1 : dims.batch;
      const ap = scratch.acquire(4 * aMatrices * dims.m * padded.k, 'matmul.padded-a');
      const bp = scratch.acquire(4 * bMatrices * padded.k * dims.n, 'matmul.padded-b');
      // K is A's rows when A is transposed ([K, M] a matrix), else its columns; B's columns when B is transposed.
      const padA = dims.transposeA
        ? padLaunch(a, ap, [aMatrices, dims.k, dims.m], [0, 0, 0], [0, extra, 0], 0)
        : padLaunch(a, ap, [aMatrices * dims.m, dims.k], [0, 0], [0, extra], 0);
      const padB = dims.transposeB
        ? padLaunch(b, bp, [bMatrices * dims.n, dims.k], [0, 0], [0, extra], 0)
        : padLaunch(b, bp, [bMatrices, dims.k, dims.n], [0, 0, 0], [0, extra, 0], 0);
      return [padA, padB, matmulSubgroupLaunch(ap, bp, bias, out, padded, blocking, fixedSubgroupSize(device))];
    },
  };
}

const workgroupTile: KernelVariant<MatmulProblem> = {
  name: 'workgroup-tile64',
  supports: ({ dims }) => matmulAligned(dims),
  launches: ({ a, b, bias, out, dims }) => [matmulTileLaunch(a, b, bias, out, dims)],
};

/** Tuning problems keep M, N, K and the transposes, and cut the batch to about this many multiply-adds. */
const TUNING_MACS = 1 << 26;

// The variant list is built at first use (a getter), so importing the module calls nothing (package.json's sideEffects).
let variants: readonly KernelVariant<MatmulProblem>[] | undefined;

export const matmulFamily: KernelFamily<MatmulProblem> = {
  name: 'matmul',
  get variants() {
    return (variants ??= [
      register, subgroup({ rows: 16, columns4: 1 }), subgroup({ rows: 16, columns4: 2 }), subgroup({ rows: 8, columns4: 1 }), workgroupTile,
      paddedSubgroup({ rows: 16, columns4: 1 }), paddedSubgroup({ rows: 16, columns4: 2 }),
    ]);
  },
  // Unaligned problems are a class of their own: the aligned kernels do not run them, so a class shared with
  // aligned problems of the same sizes would be decided for one kind and re-decided for the other.
  shapeClass: ({ dims: d, bias }) =>
    `${d.transposeA ? 'Aᵀ' : 'A'}${d.transposeB ? 'Bᵀ' : 'B'}${bias ? '+bias' : ''} m~2^${sizeClass(d.m)} n~2^${sizeClass(d.n)} k~2^${sizeClass(d.k)} batch~2^${sizeClass(d.batch)}` +
    `${matmulAligned(d) ? '' : ' unaligned'}`,
  tuningProblem({ dims, bias }, buffer) {
    const batch = Math.max(1, Math.min(dims.batch, Math.ceil(TUNING_MACS / Math.max(1, dims.m * dims.n * dims.k))));
    const d = { ...dims, batch };
    const aMatrices = d.aBatchStride === 0 ? 1 : batch;
    const bMatrices = d.bBatchStride === 0 ? 1 : batch;
    return {
      dims: d, a: buffer(4 * aMatrices * d.m * d.k), b: buffer(4 * bMatrices * d.k * d.n),
      bias: bias ? buffer(4 * d.n) : null, out: buffer(4 * batch * d.m * d.n),
    };
  },
  preference: (device) => (device.isSoftwareAdapter && fixedSubgroupSize(device) > 0 ? ['subgroup-r16c4', 'register'] : ['register']),
};
