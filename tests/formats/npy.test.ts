import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { npzArray, parseNpy, parseNpz, writeNpy, type NpyArray } from '../../talking-head/formats/npy.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { FIXTURES } from './paths.ts';

const dir = join(FIXTURES, 'npy');
const expected: Record<string, { shape: number[]; values: (number | string)[] }> =
  JSON.parse(new TextDecoder().decode(await readFileBytes(join(dir, 'expected.json'))));
const load = async (name: string) => parseNpy(await readFileBytes(join(dir, `${name}.npy`)), `${name}.npy`);

function assertMatches(arr: NpyArray, name: string): void {
  const want = expected[name]!;
  assert.equal([...arr.shape], want.shape, `${name} shape`);
  const got = Array.from(arr.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? String(v) : v));
  assert.equal(got, want.values, `${name} values`);
}

const DTYPES: [string, string][] = [
  ['f4', 'float32'], ['f8', 'float64'], ['i4', 'int32'], ['i8', 'int64'], ['u1', 'uint8'], ['b1', 'bool'],
  ['f2', 'float16'], ['f8_big_endian', 'float64'], ['scalar', 'float64'],
];
for (const [name, dtype] of DTYPES) {
  test(`.npy ${name} from numpy reads with dtype ${dtype}, its shape and exact values`, async () => {
    const arr = await load(name);
    assert.is(arr.dtype, dtype);
    assertMatches(arr, name);
  });
}

test('.npy in Fortran order comes out row-major', async () => {
  assertMatches(await load('f4_fortran'), 'f4_fortran');
});

test('.npy version 2.0 (u32 header length) reads like version 1.0', async () => {
  assertMatches(await load('f4_v2'), 'f4');
});

test('.npz, deflated and stored, reads every member by key', async () => {
  for (const file of ['arrays.npz', 'stored.npz']) {
    const arrays = parseNpz(await readFileBytes(join(dir, file)), file);
    assert.equal([...arrays.keys()].sort(), ['ids', 'poses']);
    assertMatches(npzArray(arrays, 'poses', file), 'f4');
    assertMatches(npzArray(arrays, 'ids', file), 'i4');
  }
});

test('writeNpy output reads back and its header is 64-byte aligned', () => {
  const data = Float32Array.from({ length: 24 }, (_, i) => Math.fround(Math.sin(i)));
  for (const shape of [[24], [2, 3, 4]]) {
    const bytes = writeNpy(data, shape);
    assert.is((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64, 0);
    const back = parseNpy(bytes, 'written.npy');
    assert.equal([...back.shape], shape);
    assert.equal([...back.data as Float32Array], [...data]);
  }
});

test('object dtype is rejected with a message naming the source and the dtype', async () => {
  await load('object').then(() => assert.unreachable('object.npy parsed'), (error: Error) => {
    assert.match(error.message, /object\.npy: has dtype object \('\|O'\)/);
  });
});

test('a wrong magic, a truncated file and a missing npz key are reported clearly', async () => {
  const bytes = await readFileBytes(join(dir, 'f8.npy'));
  assert.throws(() => parseNpy(new TextEncoder().encode('PK not numpy at all'), 'x.npy'), /x\.npy: is not a \.npy file/);
  assert.throws(() => parseNpy(bytes.subarray(0, bytes.length - 3), 'cut.npy'), /cut\.npy: data is \d+ bytes, expected 192 for shape \(2, 3, 4\) of <f8 \(file truncated\?\)/);
  assert.throws(() => parseNpy(bytes.subarray(0, 40), 'cut.npy'), /cut\.npy: header declares \d+ bytes/);
  const npz = await readFileBytes(join(dir, 'arrays.npz'));
  assert.throws(() => parseNpz(npz.subarray(0, npz.length - 30), 'cut.npz'), /cut\.npz: is not a readable zip archive/);
  assert.throws(() => npzArray(parseNpz(npz, 'arrays.npz'), 'audio', 'arrays.npz'), /arrays\.npz: has no array 'audio' \(arrays: .*poses/);
});

test.run();
