import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parseSafetensors, safetensorsTensor, writeSafetensors } from '../../core/formats/safetensors.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { FIXTURES } from './paths.ts';

const dir = join(FIXTURES, 'safetensors');
const fromPython = await readFileBytes(join(dir, 'python_written.safetensors'));
const expected: { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> } =
  JSON.parse(new TextDecoder().decode(await readFileBytes(join(dir, 'python_written.json'))));

const DTYPE_NAMES: Record<string, string> = {
  float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', uint8: 'U8', float16: 'F16', bfloat16: 'BF16',
};

test('a file written by Python safetensors reads back exactly: F32 F64 I32 I64 U8 F16 BF16, empty tensor, metadata', () => {
  const file = parseSafetensors(fromPython, 'python_written.safetensors');
  assert.equal(file.metadata, expected.metadata);
  assert.equal([...file.tensors.keys()].sort(), Object.keys(expected.tensors).sort());
  for (const [name, want] of Object.entries(expected.tensors)) {
    const t = safetensorsTensor(file, name, 'python_written.safetensors');
    assert.is(t.dtype, DTYPE_NAMES[want.dtype], name);
    assert.equal([...t.shape], want.shape, name);
    assert.equal(Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? String(v) : v)), want.values, name);
  }
});

test('writeSafetensors reproduces byte for byte the file that Python verified (made by make_safetensors.py)', async () => {
  const a = Float32Array.from({ length: 6 }, (_, i) => i * 0.25 - 1);
  const b = Float32Array.from([3.5, -7, 1e-3]);
  const ours = writeSafetensors({ 'layer.b': { shape: [3], data: b }, 'layer.a': { shape: [2, 3], data: a } }, { note: 'posedyn' });
  assert.equal([...ours], [...await readFileBytes(join(dir, 'posedyn_written.safetensors'))]);
});

test('writeSafetensors layout: u64 LE header size, space-padded JSON to 8 bytes, tensors by name, contiguous offsets', () => {
  const bytes = writeSafetensors({ z: { shape: [1], data: new Float32Array([2]) }, a: { shape: [2, 1], data: new Float32Array([-1, 0.5]) } }, { k: 'v' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0);
  const json = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.ok(json.startsWith('{'));
  assert.ok(/^ *$/.test(json.slice(json.lastIndexOf('}') + 1)));
  const header = JSON.parse(json);
  assert.equal(header.a, { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] });
  assert.equal(header.z, { dtype: 'F32', shape: [1], data_offsets: [8, 12] });
  assert.equal(header.__metadata__, { k: 'v' });
  assert.equal([...new Float32Array(bytes.slice(8 + n).buffer)], [-1, 0.5, 2]);
  const back = parseSafetensors(bytes, 'written.safetensors');
  assert.equal([...back.tensors.get('a')!.data as Float32Array], [-1, 0.5]);
});

function withHeader(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('a truncated file, a wrong magic and a missing tensor name the source', () => {
  assert.throws(() => parseSafetensors(fromPython.subarray(0, fromPython.length - 4), 'cut.safetensors'), /cut\.safetensors: tensor '.*': data_offsets end at byte \d+ but the data buffer has \d+ bytes \(file truncated\?\)/);
  assert.throws(() => parseSafetensors(fromPython.subarray(0, 100), 'cut.safetensors'), /cut\.safetensors: header declares \d+ bytes but only 92 remain/);
  assert.throws(() => parseSafetensors(new TextEncoder().encode('\x89PNG\r\n\x1a\nabcdefgh'), 'x.png'), /x\.png: header size is \d+ bytes \(over 100 MB\): not a safetensors file/);
  const file = parseSafetensors(fromPython, 'm.safetensors');
  assert.throws(() => safetensorsTensor(file, 'decoder.weight', 'm.safetensors'), /m\.safetensors: has no tensor 'decoder\.weight' \(tensors: /);
});

test('bad offsets are rejected naming the tensor: wrong size, hole, overlap, unknown dtype', () => {
  const data = new Uint8Array(16);
  assert.throws(() => parseSafetensors(withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data), 's'), /s: tensor 'w': data_offsets \[0, 16\] hold 16 bytes, expected 12 for F32 shape \[3\]/);
  assert.throws(() => parseSafetensors(withHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, data), 's'), /s: tensor 'w' starts at byte 8 of the data buffer, expected 0/);
  assert.throws(() => parseSafetensors(withHeader({
    a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
  }, data), 's'), /s: tensor 'b' starts at byte 8 of the data buffer, expected 12/);
  assert.throws(() => parseSafetensors(withHeader({ w: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }, data), 's'), /s: tensor 'w': has dtype "C64"/);
  assert.throws(() => parseSafetensors(withHeader({ w: { dtype: 'U8', shape: [8], data_offsets: [0, 8] } }, data), 's'), /s: tensors cover 8 bytes but the data buffer has 16/);
});

test.run();
