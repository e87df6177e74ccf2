// The uniform struct of every kernel is declared once, in its WGSL (core/kernels/uniform-layout.ts): these tests
// check the parser's offsets against hand-computed ones, that every entry point of every kernel file lays out,
// that every launcher's named params fit its struct (no GPU needed: launchers are plain data), and that each kind
// of mismatch fails with a message naming the kernel file, the entry point, the struct and the field.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as conv from '../../core/kernels/conv1d.ts';
import * as elementwise from '../../core/kernels/elementwise.ts';
import * as groupNorm from '../../core/kernels/group-norm.ts';
import * as layout from '../../core/kernels/layout.ts';
import * as loss from '../../core/kernels/loss.ts';
import * as matmul from '../../core/kernels/matmul.ts';
import * as nonFinite from '../../core/kernels/non-finite.ts';
import * as optim from '../../core/kernels/optim.ts';
import * as adamGroup from '../../core/kernels/adam-group.ts';
import * as peak from '../../core/kernels/peak.ts';
import * as random from '../../core/kernels/random.ts';
import * as reduce from '../../core/kernels/reduce.ts';
import * as upsample from '../../core/kernels/upsample.ts';
import { conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily } from '../../core/kernels/conv1d-families.ts';
import { groupNormFamilies } from '../../core/kernels/group-norm-families.ts';
import { matmulFamily } from '../../core/kernels/matmul-families.ts';
import type { DeviceFeatures, KernelVariant, Scratch } from '../../core/kernels/variants.ts';
import { type KernelLaunch, type KernelSource, type UniformValues, f32, i32, u32 } from '../../core/kernels/launch.ts';
import { UniformLayoutError, packUniforms, uniformLayout } from '../../core/kernels/uniform-layout.ts';
import * as audio from '../../talking-head/kernels/audio-features.ts';
import * as faceDecode from '../../talking-head/kernels/face-decode.ts';
import * as anchorPoses from '../../talking-head/kernels/anchor-poses.ts';
import * as crossFade from '../../talking-head/kernels/cross-fade.ts';
import * as sequenceWindows from '../../talking-head/kernels/sequence-windows.ts';
import * as gaussian from '../../talking-head/kernels/gaussian-filter.ts';
import * as maskedVertex from '../../talking-head/kernels/masked-vertex-loss.ts';
import * as poseLoss from '../../talking-head/kernels/pose-loss.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KERNEL_FOLDERS = ['core/kernels', 'talking-head/kernels'];

/** Every .wgsl file of the library with its compute entry points. */
const kernelFiles = KERNEL_FOLDERS.flatMap((folder) =>
  readdirSync(join(root, folder)).filter((f) => f.endsWith('.wgsl')).sort().map((f) => {
    const code = readFileSync(join(root, folder, f), 'utf8');
    const entries = [...code.matchAll(/@compute\s+@workgroup_size\([^)]*\)\s*fn\s+(\w+)/g)].map((m) => m[1]!);
    return { file: `${folder}/${f}`, code, entries };
  }));

const source = (file: string): KernelSource => {
  const k = kernelFiles.find((f) => f.file === file);
  if (!k) throw new Error(`no kernel file ${file}`);
  return { name: file, file, code: k.code };
};

const offsets = (kernel: KernelSource, entry: string) => {
  const l = uniformLayout(kernel, entry);
  return { struct: l.struct, size: l.size, bindingSize: l.bindingSize, fields: Object.fromEntries(l.fields.map((f) => [f.name, f.offset])) };
};

test('every compute entry point of every kernel file lays out its binding-0 struct: fields in order, aligned, not overlapping', () => {
  let entries = 0;
  for (const k of kernelFiles) {
    assert.ok(k.entries.length > 0, `${k.file}: no entry points found`);
    for (const entry of k.entries) {
      const l = uniformLayout({ name: k.file, file: k.file, code: k.code }, entry);
      let end = 0;
      for (const f of l.fields) {
        const align = f.shape === 'scalar' ? 4 : 16;
        assert.ok(f.offset % align === 0, `${k.file} ${entry} ${f.name}: offset ${f.offset} not aligned to ${align}`);
        assert.ok(f.offset >= end, `${k.file} ${entry} ${f.name}: offset ${f.offset} overlaps the field before (ends at ${end})`);
        end = f.offset + 4 * f.count;
      }
      assert.ok(l.size >= end && l.bindingSize % 16 === 0 && l.bindingSize >= l.size, `${k.file} ${entry}: size ${l.size}, binding ${l.bindingSize}`);
      entries++;
    }
  }
  assert.ok(entries >= 40, `only ${entries} entry points found`);
});

test('uniform offsets equal hand-computed WGSL layouts (scalars at 4, arrays of vec4 at 16, sizes rounded)', () => {
  // n, rank, pad0, pad1 | out_shape 2 vec4 at 16 | a_strides at 48 | b_strides at 80 | 112 bytes
  assert.equal(offsets(source('core/kernels/elementwise.wgsl'), 'binary'), {
    struct: 'BinaryParams', size: 112, bindingSize: 112,
    fields: { n: 0, rank: 4, pad0: 8, pad1: 12, out_shape: 16, a_strides: 48, b_strides: 80 },
  });
  // 3 scalars: 12 bytes, bound as 16.
  assert.equal(offsets(source('core/kernels/elementwise.wgsl'), 'unary'), {
    struct: 'UnaryParams', size: 12, bindingSize: 16, fields: { n: 0, alpha: 4, beta: 8 },
  });
  // 4 scalars, then two array<vec4f, 16> of 256 bytes each: 16 + 512 = 528.
  assert.equal(offsets(source('talking-head/kernels/gaussian-filter.wgsl'), 'backward'), {
    struct: 'Params', size: 528, bindingSize: 528, fields: { outer: 0, length: 4, inner: 8, half_window: 12, weights: 16, cumulative: 272 },
  });
  // n, value, pad0, pad1, then four array<vec4u, 2>: 16 + 4 * 32 = 144.
  assert.equal(offsets(source('core/kernels/layout.wgsl'), 'pad'), {
    struct: 'PadParams', size: 144, bindingSize: 144,
    fields: { n: 0, value: 4, pad0: 8, pad1: 12, out_shape: 16, src_shape: 48, before: 80, src_strides: 112 },
  });
  // 5 scalars: 20 bytes, bound as 32.
  assert.equal(offsets(source('core/kernels/group-norm.wgsl'), 'backward_affine'), {
    struct: 'Params', size: 20, bindingSize: 32, fields: { batch: 0, channels: 4, length: 8, groups: 12, eps: 16 },
  });
});

test('the struct is found through the entry function and the functions it calls, not by name or position', () => {
  const kernel: KernelSource = {
    name: 'two-structs', file: 'tests/two-structs.wgsl',
    code: `
struct A { n: u32, scale: f32 }
struct B { count: u32, @align(16) never_parsed: u32 }  /* B's @align is only an error for entries that read it */
struct C { m: u32, v: vec4f, w: array<vec4<i32>, SIZE>, }
const SIZE: u32 = 3u;
@group(0) @binding(0) var<uniform> a_params: A;
@group(0) @binding(0) var<uniform> b_params: B;
@binding(0) @group(0) var<uniform> c_params: C;
fn helper() -> u32 { return inner_helper(); }
fn inner_helper() -> u32 { return c_params.m; }
// b_params.count in a comment is not a read
@compute @workgroup_size(1) fn reads_a() { let x = a_params.scale; }
@compute @workgroup_size(1) fn reads_c_through_helpers() { let y = helper(); let z = a.b_params; }
@compute @workgroup_size(1) fn reads_b() { let y = b_params.count; }
@compute @workgroup_size(1) fn reads_two() { let y = b_params.count + a_params.n; }
@compute @workgroup_size(1) fn reads_none() { }`,
  };
  assert.equal(offsets(kernel, 'reads_a'), { struct: 'A', size: 8, bindingSize: 16, fields: { n: 0, scale: 4 } });
  // m at 0, vec4f at 16, array<vec4i, 3> at 32: 32 + 48 = 80.
  assert.equal(offsets(kernel, 'reads_c_through_helpers'), { struct: 'C', size: 80, bindingSize: 80, fields: { m: 0, v: 16, w: 32 } });
  assert.throws(() => uniformLayout(kernel, 'reads_b'), (e: Error) => e instanceof UniformLayoutError && /tests\/two-structs\.wgsl entry 'reads_b'.*struct B.*field 'never_parsed'.*@align/.test(e.message));
  assert.throws(() => uniformLayout(kernel, 'reads_two'), /reads_two.*exactly one.*found b_params, a_params/);
  assert.throws(() => uniformLayout(kernel, 'reads_none'), /reads_none.*exactly one.*found none/);
  assert.throws(() => uniformLayout(kernel, 'missing_entry'), /tests\/two-structs\.wgsl: no entry point 'missing_entry'/);
});

test('uniform field types the engine does not lay out are refused, naming the file, entry, struct, field and type', () => {
  for (const type of ['vec2f', 'vec3<f32>', 'array<f32, 4>', 'mat4x4f', 'bool', 'Inner', 'array<vec4u, N_UNKNOWN>', 'f16']) {
    const kernel: KernelSource = {
      name: 'bad', file: 'tests/bad.wgsl',
      code: `struct Inner { x: u32 }\nstruct P { n: u32, odd: ${type} }\n@group(0) @binding(0) var<uniform> p: P;\n@compute @workgroup_size(1) fn main() { let n = p.n; }`,
    };
    assert.throws(
      () => uniformLayout(kernel, 'main'),
      (e: Error) => e.message.includes("tests/bad.wgsl entry 'main', uniform struct P, field 'odd'") && e.message.includes(`type '${type}' is not supported`),
      `type ${type}`,
    );
  }
  const scalar: KernelSource = {
    name: 'scalar', file: 'tests/scalar.wgsl',
    code: '@group(0) @binding(0) var<uniform> n: u32;\n@compute @workgroup_size(1) fn main() { let m = n; }',
  };
  assert.throws(() => uniformLayout(scalar, 'main'), /tests\/scalar\.wgsl entry 'main': uniform 'n' has type 'u32'; the engine writes a struct/);
});

const binary = () => uniformLayout(source('core/kernels/elementwise.wgsl'), 'binary');
const gaussianLayout = () => uniformLayout(source('talking-head/kernels/gaussian-filter.wgsl'), 'forward');
const pack = (params: UniformValues, l = binary()) => {
  const view = new DataView(new ArrayBuffer(l.bindingSize + 32));
  new Uint8Array(view.buffer).fill(0xab);
  packUniforms(l, params, view, 16);
  return view;
};
const BINARY_PREFIX = "core/kernels/elementwise.wgsl entry 'binary', uniform struct BinaryParams";

test('packing writes each named value at its offset, zeroes padding that was left out and the rest of short arrays', () => {
  const view = pack({ n: u32(7), rank: u32(2), out_shape: Uint32Array.of(3, 5), a_strides: Uint32Array.of(5, 1, 0, 0, 9), b_strides: new Uint32Array(8) });
  const at = (byte: number) => view.getUint32(16 + byte, true);
  assert.equal([at(0), at(4), at(8), at(12)], [7, 2, 0, 0]);
  assert.equal([at(16), at(20), at(24), at(44)], [3, 5, 0, 0]);
  assert.equal([at(48), at(52), at(64)], [5, 1, 9]);
  assert.is(view.getUint32(12, true), 0xabababab, 'bytes before the offset are untouched');
  assert.is(view.getUint32(16 + 112, true), 0xabababab, 'bytes after the binding are untouched');
  const g = pack({ outer: u32(1), length: u32(2), inner: u32(3), half_window: u32(4), weights: Float32Array.of(0.25), cumulative: new Float32Array(64) }, gaussianLayout());
  assert.is(g.getFloat32(16 + 16, true), 0.25);
  assert.is(g.getInt32(16 + 20, true), 0);
});

test('a missing, unknown, misspelled or wrongly typed field, or an over-long array, throws naming file, entry, struct and field', () => {
  const good = { n: u32(7), rank: u32(2), out_shape: new Uint32Array(8), a_strides: new Uint32Array(8), b_strides: new Uint32Array(8) };
  const fails = (params: UniformValues, ...parts: string[]) =>
    assert.throws(() => pack(params), (e: Error) => e instanceof UniformLayoutError && e.message.startsWith(BINARY_PREFIX) && parts.every((p) => e.message.includes(p)), parts.join(' / '));
  const { rank: _rank, ...withoutRank } = good;
  fails(withoutRank, "field 'rank' (u32): missing");
  fails({ ...good, offset: u32(1) }, "no field 'offset'", 'its fields are n, rank, pad0, pad1, out_shape, a_strides, b_strides');
  const { a_strides: _a, ...misspelt } = good;
  fails({ ...misspelt, a_stride: new Uint32Array(8) }, "no field 'a_stride' (did you mean 'a_strides'?)");
  fails({ ...good, n: f32(7) }, "field 'n' (u32): expected u32(value)", 'got f32(7)');
  fails({ ...good, n: u32(-1) }, "field 'n' (u32)", 'got u32(-1)');
  fails({ ...good, n: u32(2.5) }, "field 'n' (u32)", 'got u32(2.5)');
  fails({ ...good, n: new Uint32Array(1) }, "field 'n' (u32)", 'got a Uint32Array of 1');
  fails({ ...good, out_shape: new Uint32Array(9) }, "field 'out_shape' (array<vec4u, 2>): holds 8 values, got 9");
  fails({ ...good, out_shape: new Float32Array(8) }, "field 'out_shape' (array<vec4u, 2>): expected a Uint32Array of up to 8 values, got a Float32Array of 8");
  fails({ ...good, b_strides: u32(1) }, "field 'b_strides'", 'got u32(1)');
  const g = gaussianLayout();
  assert.throws(
    () => pack({ outer: u32(1), length: u32(2), inner: u32(3), half_window: i32(4), weights: new Float32Array(64), cumulative: new Float32Array(64) }, g),
    /talking-head\/kernels\/gaussian-filter\.wgsl entry 'forward', uniform struct Params, field 'half_window' \(u32\): expected u32\(value\).*got i32\(4\)/,
  );
});

// ------------------------------------------------------------------------------------------------ every launcher

const buffer = {} as GPUBuffer;
const convGeometry: conv.Conv1dGeometry = { batch: 2, inChannels: 3, inLength: 9, outChannels: 5, outLength: 9, kernelSize: 3, stride: 1, padding: 1, dilation: 1 };
const groupNormGeometry = { batch: 2, channels: 4, length: 5, groups: 2, eps: 1e-5 };
const matmulDims = (k: number): matmul.MatmulDims => ({ batch: 1, m: 4, n: 8, k, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 });
/** A device the subgroup variants run on (subgroups of 8), and scratch buffers that are never used. */
const subgroupDevice: DeviceFeatures = { adapter: 'test', isSoftwareAdapter: true, subgroups: true, subgroupMinSize: 8, subgroupMaxSize: 8 };
const scratch: Scratch = { acquire: () => buffer };
const timing = { sampleCount: 16000, frames: 30, sampleRate: 16000, fps: 30 };
const pitch = { windowLength: 512, tauMin: 40, tauMax: 400 };
const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/** One launch of every launcher function in core/kernels and talking-head/kernels (the profiler's peak ones too). */
const LAUNCHES: KernelLaunch[] = [
  conv.conv1dForwardLaunch(convGeometry, buffer, buffer, null, buffer),
  conv.conv1dGradInputLaunch(convGeometry, buffer, buffer, buffer, buffer),
  conv.conv1dGradWeightLaunch(convGeometry, buffer, buffer, buffer, 2),
  conv.conv1dGradBiasLaunch(2, 5, 9, buffer, buffer),
  upsample.upsampleNearestLaunch(6, 9, 2, buffer, buffer),
  upsample.upsampleNearestBackwardLaunch(6, 9, 2, buffer, buffer),
  // rows x length a multiple of 4: the vec4 entries.
  upsample.upsampleNearestLaunch(6, 10, 3, buffer, buffer),
  upsample.upsampleNearestBackwardLaunch(6, 10, 3, buffer, buffer),
  elementwise.unaryLaunch('leakyRelu', buffer, buffer, 10, 0.2, 0),
  elementwise.unaryBackwardLaunch('affine', buffer, buffer, buffer, buffer, 10, 2),
  elementwise.binaryLaunch('add', buffer, buffer, buffer, [2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 1], false),
  elementwise.fillLaunch(buffer, 10, 1.5),
  // n a multiple of 4 (or the innermost extent, for binary): the vec4 entries.
  elementwise.unaryLaunch('exp', buffer, buffer, 12),
  elementwise.unaryBackwardLaunch('tanh', buffer, buffer, buffer, buffer, 12),
  elementwise.binaryLaunch('mul', buffer, buffer, buffer, [2, 3, 8], [24, 8, 1], [0, 1, 0], false),
  elementwise.fillLaunch(buffer, 12, 0),
  ...groupNormFamilies.flatMap((f) => f.variants.flatMap((v) => v.launches({
    g: { ...groupNormGeometry, length: 8 }, x: buffer, gamma: buffer, beta: buffer, y: buffer, mean: buffer, rstd: buffer, leakySlope: 0.2,
    dy: buffer, dx: buffer, dgamma: buffer, dbeta: buffer,
  } as never, subgroupDevice, scratch))),
  ...[conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily].flatMap((f) => (f.variants as readonly KernelVariant<never>[]).flatMap((v) => v.launches({
    g: convGeometry, x: buffer, w: buffer, bias: buffer, y: buffer, dy: buffer, dx: buffer, dw: buffer, db: buffer, leakySlope: 0.2,
  } as never, subgroupDevice, scratch))),
  // Each variant on the problems it supports: K 8 (aligned) and K 6 (the padded-K variants)
  ...[8, 6].flatMap((k) => matmulFamily.variants.filter((v) => v.supports({ dims: matmulDims(k) } as never, subgroupDevice))
    .flatMap((v) => v.launches({ a: buffer, b: buffer, bias: buffer, out: buffer, dims: matmulDims(k) }, subgroupDevice, scratch))),
  groupNorm.groupNormForwardLaunch(groupNormGeometry, buffer, buffer, buffer, buffer, buffer, buffer),
  groupNorm.groupNormBackwardInputLaunch(groupNormGeometry, buffer, buffer, buffer, null, buffer, buffer),
  groupNorm.groupNormBackwardAffineLaunch(groupNormGeometry, buffer, buffer, buffer, buffer, buffer, buffer),
  layout.copyBoxLaunch(buffer, buffer, { extent: [2, 3, 5], srcStrides: [15, 5, 1], srcOffset: 0, dstStrides: [1, 2, 6], dstOffset: 0 }),
  layout.copyBoxLaunch(buffer, buffer, { extent: [2, 8], srcStrides: [16, 1], srcOffset: 4, dstStrides: [8, 1], dstOffset: 0 }),
  layout.padLaunch(buffer, buffer, [2, 3, 5, 1, 2, 3, 1, 2], [1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1, 0, 1], -1),
  layout.padLaunch(buffer, buffer, [6, 134], [0, 0], [0, 2], 0),
  loss.mseTermsLaunch(buffer, buffer, buffer, 10),
  loss.mseBackwardLaunch(buffer, buffer, buffer, buffer, 10),
  loss.bceTermsLaunch(buffer, { constant: 1 }, buffer, 10),
  loss.bceBackwardLaunch(buffer, { buffer }, buffer, buffer, 10),
  matmul.matmulLaunch(buffer, buffer, null, buffer, matmulDims(8)),
  matmul.matmulLaunch(buffer, buffer, buffer, buffer, matmulDims(7)),
  nonFinite.countNonFiniteLaunch(buffer, buffer, 10, 2),
  nonFinite.clearCountsLaunch(buffer, 2, 3),
  ...[1, 2, 3, 4].map((slots) => adamGroup.adamGroupLaunch(Array.from({ length: slots }, (_, s) => ({ grad: buffer, param: buffer, m: buffer, v: buffer, n: 10 + s })), 3, adam)),
  optim.sumSquaresLaunch(buffer, buffer, 10, 2),
  optim.normFinishLaunch(buffer, buffer, 3),
  optim.clipScaleLaunch(buffer, buffer, 10, 1),
  peak.fmaChainsLaunch(buffer, 8, 16),
  peak.copyVec4Launch(buffer, buffer, 64),
  random.randomUniformLaunch(buffer, 10, 0xffffffff, -1, 1),
  random.randomNormalLaunch(buffer, 10, 7, 0, 1),
  random.dropoutLaunch(buffer, buffer, 10, 7, 0.5),
  reduce.sumAxisLaunch(buffer, buffer, 1, 1000, 1, 1),
  reduce.sumAxisLaunch(buffer, buffer, 3, 4, 5, 0.25),
  // The chunk passes: vec4 columns, vec4 row chunks, one float a load.
  ...[[1, 16384, 128], [1, 1 << 20, 1], [3, 30001, 3]].flatMap(([outer, axis, inner]) => reduce.chunkedSumLaunches(buffer, buffer, outer!, axis!, inner!, 1, scratch)),
  audio.frameRowsLaunch(buffer, buffer, timing, { first: 3, frames: 20 }, 400, 512),
  audio.spectrumPowerLaunch(buffer, buffer, 30, 400, 512),
  audio.melEnergyLaunch(buffer, buffer, buffer, buffer, { frames: 30, nMels: 40, nFft: 512, features: 43, windowPower: 100, logFloor: 1e-10, filterbankNonzeros: 300 }),
  audio.pitchSegmentsLaunch(buffer, buffer, timing, { first: 3, frames: 20 }, pitch),
  audio.pitchCorrelationLaunch(buffer, buffer, 30, pitch),
  audio.pitchPickLaunch(buffer, buffer, { frames: 30, ...pitch, features: 43, voicingColumn: 41, sampleRate: 16000, peakRatio: 0.9, voicingThreshold: 0.3, neutralLogF0: 5 }),
  audio.contextWindowsLaunch(buffer, buffer, 30, 43, 16, 8),
  faceDecode.faceDecodeLaunch(buffer, buffer, buffer, buffer, 3, 1404),
  faceDecode.faceDecodeBackwardLaunch(buffer, buffer, buffer, 3, 1404),
  gaussian.gaussianFilterLaunch(buffer, buffer, { outer: 2, length: 9, inner: 1 }, gaussian.gaussianFilterSpec(10, 31)),
  gaussian.gaussianFilterLaunch(buffer, buffer, { outer: 2, length: 9, inner: 6 }, gaussian.gaussianFilterSpec(2)),
  gaussian.gaussianFilterLaunch(buffer, buffer, { outer: 2, length: 12, inner: 1 }, gaussian.gaussianFilterSpec(2)),
  gaussian.gaussianFilterBackwardLaunch(buffer, buffer, { outer: 2, length: 9, inner: 1 }, gaussian.gaussianFilterSpec(1.5)),
  maskedVertex.maskedVertexTermsLaunch(3, 6, buffer, buffer, buffer, buffer),
  maskedVertex.maskedVertexBackwardLaunch(3, 6, buffer, buffer, buffer),
  poseLoss.poseLossForwardLaunch({ batch: 2, frames: 9, channels: 6 }, buffer, buffer, buffer, buffer),
  poseLoss.poseLossBackwardLaunch({ batch: 2, frames: 9, channels: 6 }, buffer, buffer, buffer, buffer, buffer),
  anchorPoses.anchorPosesForwardLaunch({ batch: 2, channels: 6, frames: 9 }, buffer, buffer, buffer),
  anchorPoses.anchorPosesBackwardLaunch({ batch: 2, channels: 6, frames: 9 }, buffer, buffer, buffer),
  anchorPoses.anchorSmoothedPosesForwardLaunch({ batch: 2, channels: 6, frames: 9 }, gaussian.gaussianFilterSpec(1.5), buffer, buffer, buffer),
  crossFade.crossFadeForwardLaunch({ frames: 9, tailFrames: 4, channels: 6 }, buffer, buffer, buffer),
  crossFade.crossFadeBackwardLaunch({ frames: 9, tailFrames: 4, channels: 6 }, buffer, buffer, buffer),
  sequenceWindows.sequenceWindowsForwardLaunch({ frames: 9, channels: 4, window: 5, length: 13, slope: 0.2 }, buffer, buffer),
  sequenceWindows.sequenceWindowsBackwardLaunch({ frames: 9, channels: 4, window: 5, length: 13, slope: 0.2 }, buffer, buffer, buffer),
];

test(`the named params of every launcher (${LAUNCHES.length} launches) fit the uniform struct its WGSL declares`, () => {
  for (const launch of LAUNCHES) {
    const l = uniformLayout(launch.kernel, launch.entry);
    const view = new DataView(new ArrayBuffer(l.bindingSize));
    packUniforms(l, launch.params, view, 0);
  }
});

test('every compute entry point of every kernel file has a launcher in that list', () => {
  const launched = new Set(LAUNCHES.map((l) => `${l.kernel.file} ${l.entry}`));
  const missing = kernelFiles.flatMap((k) => k.entries.map((e) => `${k.file} ${e}`)).filter((e) => !launched.has(e));
  assert.equal(missing, [], `entry points without a launcher here: ${missing.join(', ')}`);
});

test.run();
