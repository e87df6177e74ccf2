import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import {
  arrayRowMajor, charRows, matFromRowMajor, matVariable, matrixRowMajor, parseMat5, writeMat5, type MatArray,
} from '../../talking-head/formats/mat5.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { assertClose } from '../helpers/compare.ts';
import { FIXTURES, sharedData } from './paths.ts';

const dir = join(FIXTURES, 'mat5');
const readJson = async (name: string) => JSON.parse(new TextDecoder().decode(await readFileBytes(join(dir, name))));
const compressed = parseMat5(await readFileBytes(join(dir, 'compressed.mat')), 'compressed.mat');
const expected = await readJson('compressed.json');

function field(arr: MatArray | undefined, name: string): MatArray {
  assert.ok(arr && arr.kind === 'struct', `expected a struct holding '${name}'`);
  const value = arr.elements[0]!.get(name);
  assert.ok(value, `struct field '${name}' missing`);
  return value;
}

test('compressed .mat from scipy: a 3-D double array reads with its dims and values (row-major helper)', () => {
  const cube = arrayRowMajor(matVariable(compressed, 'cube', 'compressed.mat'), 'compressed.mat', 'cube');
  assert.equal([...cube.dims], expected.cube.dims);
  assertClose(cube.data, expected.cube.rowMajor, { atol: 0, rtol: 0 }, 'cube');
});

test('compressed .mat from scipy: a single matrix reads as float32 and as float64, row-major', () => {
  const arr = matVariable(compressed, 'matrix', 'compressed.mat');
  assert.is(arr.kind === 'numeric' && arr.class, 'single');
  const m32 = matrixRowMajor(arr, 'compressed.mat', 'matrix', { cols: 7 });
  const m64 = matrixRowMajor(arr, 'compressed.mat', 'matrix', { as: 'float64' });
  assert.is(m32.rows, 40);
  assert.ok(m32.data instanceof Float32Array && m64.data instanceof Float64Array);
  assertClose(m32.data, expected.matrix.rowMajor, { atol: 0, rtol: 0 }, 'matrix f32');
  assertClose(m64.data, expected.matrix.rowMajor, { atol: 0, rtol: 0 }, 'matrix f64');
});

test('compressed .mat from scipy: every integer class reads exactly, int64/uint64 as bigint', () => {
  for (const [name, want] of Object.entries(expected.ints as Record<string, { dims: number[]; rowMajor: string[] }>)) {
    const arr = matVariable(compressed, name, 'compressed.mat');
    assert.ok(arr.kind === 'numeric', name);
    assert.is(arr.class, { i8: 'int8', u8: 'uint8', i16: 'int16', u16: 'uint16', i32: 'int32', u32: 'uint32', i64: 'int64', u64: 'uint64' }[name]);
    assert.equal([...arr.dims], want.dims, name);
    const [rows = 0, cols = 0] = arr.dims;
    const got: string[] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) got.push(String(arr.data[c * rows + r]));
    assert.equal(got, want.rowMajor, name);
  }
});

test('compressed .mat from scipy: logical and char arrays keep their kind', () => {
  const mask = matVariable(compressed, 'mask', 'compressed.mat');
  assert.ok(mask.kind === 'numeric' && mask.logical && mask.class === 'uint8');
  assert.equal([...matrixRowMajor(mask, 'compressed.mat', 'mask').data], expected.mask.rowMajor);
  assert.equal(charRows(matVariable(compressed, 'label', 'compressed.mat'), 'compressed.mat', 'label'), [expected.label]);
});

test('compressed .mat from scipy: nested struct fields read by name', () => {
  const model = compressed.get('model');
  assertClose(matrixRowMajor(field(model, 'meanshape'), 'compressed.mat', 'model.meanshape', { rows: 1, as: 'float64' }).data, expected['model.meanshape'], { atol: 0, rtol: 0 }, 'meanshape');
  assert.equal(charRows(field(model, 'name'), 'compressed.mat', 'model.name'), ['BFM 2009']);
  const scale = field(field(model, 'inner'), 'scale');
  assert.is(scale.kind === 'numeric' && scale.data[0], expected['model.inner.scale']);
});

test('big-endian .mat (hand-built, small data element names) reads the same values', async () => {
  const want = await readJson('bigendian.json');
  const vars = parseMat5(await readFileBytes(join(dir, 'bigendian.mat')), 'bigendian.mat');
  assert.equal([...matrixRowMajor(matVariable(vars, 'wide', 'bigendian.mat'), 'bigendian.mat', 'wide', { as: 'float64' }).data], want.wide);
  const s = matVariable(vars, 's', 'bigendian.mat');
  assert.ok(s.kind === 'numeric' && s.class === 'int16');
  assert.equal([...matrixRowMajor(s, 'bigendian.mat', 's').data], want.s);
});

test('writeMat5 round-trips double and single matrices through parseMat5', () => {
  const a = Float64Array.from({ length: 12 }, (_, i) => i * 0.5 - 3);
  const b = Float32Array.from({ length: 6 }, (_, i) => Math.fround(i / 3));
  const vars = parseMat5(writeMat5({ a: matFromRowMajor(a, 3, 4), b: matFromRowMajor(b, 6, 1) }), 'written.mat');
  assert.equal([...matrixRowMajor(vars.get('a')!, 'written.mat', 'a', { as: 'float64' }).data], [...a]);
  const back = vars.get('b')!;
  assert.ok(back.kind === 'numeric' && back.class === 'single');
  assert.equal([...matrixRowMajor(back, 'written.mat', 'b').data], [...b]);
});

test('a wrong magic (not a v5 header) is rejected, naming the source', () => {
  const bytes = new Uint8Array(200).fill(65);
  assert.throws(() => parseMat5(bytes, 'notmat.mat'), /notmat\.mat: is not a MATLAB v5 \.mat file/);
  assert.throws(() => parseMat5(new Uint8Array(20), 'tiny.mat'), /tiny\.mat: is 20 bytes, shorter than the 128-byte/);
});

test('a truncated .mat names the source and the truncated element', async () => {
  const bytes = await readFileBytes(join(dir, 'bigendian.mat'));
  assert.throws(() => parseMat5(bytes.subarray(0, bytes.length - 10), 'cut.mat'), /cut\.mat: .*declares \d+ bytes but only \d+ remain \(file truncated\?\)/);
  const written = writeMat5({ x: matFromRowMajor(new Float64Array(20), 4, 5) });
  assert.throws(() => parseMat5(written.subarray(0, 150), 'cut2.mat'), /cut2\.mat: .*file truncated/);
});

test('a missing variable and a wrong shape are reported with names and dims', () => {
  const vars = parseMat5(writeMat5({ coeff: matFromRowMajor(new Float32Array(6 * 256), 6, 256) }), 'Obama_clip1.mat');
  assert.throws(() => matVariable(vars, 'transform_params', 'Obama_clip1.mat'), /Obama_clip1\.mat: has no variable 'transform_params' \(variables: coeff\)/);
  assert.throws(
    () => matrixRowMajor(vars.get('coeff')!, 'Obama_clip1.mat', 'coeff', { cols: 257 }),
    /Obama_clip1\.mat: variable 'coeff' has 2 dims \[6 x 256\], expected N x 257/,
  );
});

test('a cell array is rejected with an error naming the variable and what is supported', async () => {
  const bytes = await readFileBytes(join(dir, 'cell.mat'));
  assert.throws(() => parseMat5(bytes, 'cell.mat'), /cell\.mat: variable 'clips': is a cell array; posedyn reads numeric, char, logical and struct arrays only/);
});

test('a corrupt compressed element is reported as not inflating', () => {
  const bytes = new Uint8Array(128 + 24);
  bytes.set([0x49, 0x4d], 126);
  const view = new DataView(bytes.buffer);
  view.setUint16(124, 0x0100, true);
  view.setUint32(128, 15, true);
  view.setUint32(132, 16, true);
  bytes.fill(0xab, 136);
  assert.throws(() => parseMat5(bytes, 'bad.mat'), /bad\.mat: compressed variable .* does not inflate/);
});

test('styletalk Obama_clip1.mat: coeff is N x 257 float32 and matches values read by scipy', async () => {
  const path = sharedData('styletalk/Obama_clip1.mat', 'real-file .mat check');
  if (!path) return;
  const want = await readJson('styletalk_obama_clip1.json');
  const vars = parseMat5(await readFileBytes(path), 'Obama_clip1.mat');
  const coeff = matrixRowMajor(matVariable(vars, 'coeff', 'Obama_clip1.mat'), 'Obama_clip1.mat', 'coeff', { cols: 257 });
  assert.equal([coeff.rows, coeff.cols], want.coeffDims);
  for (const { row, col, value } of want.coeffValues) assert.is(coeff.data[row * 257 + col], value, `coeff[${row}, ${col}]`);
  for (const [row, sum] of Object.entries(want.coeffRowSums as Record<string, number>)) {
    let s = 0;
    for (let c = 0; c < 257; c++) s += coeff.data[Number(row) * 257 + c]!;
    assertClose([s], [sum], { atol: 1e-9, rtol: 1e-12 }, `row sum ${row}`);
  }
  const params = matrixRowMajor(matVariable(vars, 'transform_params', 'Obama_clip1.mat'), 'Obama_clip1.mat', 'transform_params', { cols: 5 });
  assert.equal([params.rows, params.cols], want.transformParamsDims);
  assert.equal([...params.data.subarray(0, 5)], want.transformParamsRow0);
});

test('every styletalk .mat parses with coeff N x 257 and transform_params N x 5', async () => {
  const folder = sharedData('styletalk', 'real-file .mat check');
  if (!folder) return;
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(folder).filter((f) => f.endsWith('.mat'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const vars = parseMat5(await readFileBytes(join(folder, file)), file);
    const coeff = matrixRowMajor(matVariable(vars, 'coeff', file), file, 'coeff', { cols: 257 });
    matrixRowMajor(matVariable(vars, 'transform_params', file), file, 'transform_params', { rows: coeff.rows, cols: 5 });
  }
});

test.run();
