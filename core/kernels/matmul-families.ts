// The matmul kernel family (core/kernels/variants.ts): the portable register-blocked kernel of matmul.wgsl
// ("register"), A tiles shared over a subgroup ("subgroup-rRcC", the CPU adapters' winner), and 64 x 64
// workgroup-memory tiles ("workgroup-tile64", the GPU-style kernel). Measurements: core/kernels/PERFORMANCE.md.
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
    return (variants ??= [register, subgroup({ rows: 16, columns4: 1 }), subgroup({ rows: 16, columns4: 2 }), subgroup({ rows: 8, columns4: 1 }), workgroupTile]);
  },
  shapeClass: ({ dims: d, bias }) =>
    `${d.transposeA ? 'Aᵀ' : 'A'}${d.transposeB ? 'Bᵀ' : 'B'}${bias ? '+bias' : ''} m~2^${sizeClass(d.m)} n~2^${sizeClass(d.n)} k~2^${sizeClass(d.k)} batch~2^${sizeClass(d.batch)}`,
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
