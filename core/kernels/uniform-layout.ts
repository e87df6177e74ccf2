// The uniform block of a kernel is declared once, in its WGSL: the struct that the entry point's
// `@group(0) @binding(0) var<uniform>` has as its type. Launchers name the values they pass
// (`params: { n: u32(n), alpha: f32(alpha) }`); this module finds that struct by following the entry function
// and the functions it calls, lays it out with WGSL's alignment rules, and packs the named values into bytes,
// throwing on any field that is missing, unknown, of the wrong type or too long. So TypeScript and WGSL cannot
// drift apart silently: a renamed, added or reordered field fails at the first dispatch, naming it.
//
// Layout (WGSL, "Alignment and Size", uniform address space), for the types kernels use:
//   u32, i32, f32            align 4,  size 4
//   vec4<T> (vec4u ...)      align 16, size 16
//   array<vec4<T>, N>        align 16, size 16 N (uniform arrays need a 16-byte element stride)
//   the struct               align = the largest member's, size = its end rounded up to that
// Anything else (vec2, vec3, matrices, nested structs, arrays of scalars, @align / @size) is refused with an
// error naming the field: the engine does not need it, and a rule half-implemented is how layouts drift.
// WGSL has no string literals, so once comments are blanked out, braces and parentheses match reliably.
import type { KernelSource, UniformValue, UniformValues } from './launch.ts';

export class UniformLayoutError extends Error {
  override name = 'UniformLayoutError';
}

export type UniformScalarType = 'u32' | 'i32' | 'f32';

/** One field of a uniform struct, where it sits and what it holds. */
export interface UniformField {
  readonly name: string;
  /** The type as the WGSL spells it, e.g. "array<vec4u, 2>". */
  readonly type: string;
  readonly scalar: UniformScalarType;
  /** 1 for a scalar, 4 for a vec4, 4 N for array<vec4, N>: the 4-byte values it holds. */
  readonly count: number;
  /** A scalar takes a u32(..)/i32(..)/f32(..) value, a vector or array a typed array. */
  readonly shape: 'scalar' | 'vector';
  /** Bytes from the start of the struct. */
  readonly offset: number;
}

export interface UniformLayout {
  readonly file: string;
  readonly entry: string;
  /** The struct's name, and the module-scope variable the entry reads it through. */
  readonly struct: string;
  readonly variable: string;
  readonly fields: readonly UniformField[];
  /** WGSL's SizeOf(struct). */
  readonly size: number;
  /** What the engine binds: the size rounded up to 16 bytes (at least 16). */
  readonly bindingSize: number;
}

const IDENTIFIER_ONLY = /^[A-Za-z_]\w*$/;

/** The code with every comment (line, and nestable block) replaced by spaces, newlines kept. */
export function blankComments(code: string): string {
  const out = code.split('');
  let i = 0;
  while (i < code.length) {
    if (code.startsWith('//', i)) {
      while (i < code.length && code[i] !== '\n') out[i++] = ' ';
    } else if (code.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (code.startsWith('/*', i)) {
          depth++;
          out[i] = out[i + 1] = ' ';
          i += 2;
        } else if (code.startsWith('*/', i)) {
          depth--;
          out[i] = out[i + 1] = ' ';
          i += 2;
        } else {
          if (code[i] !== '\n') out[i] = ' ';
          i++;
        }
      } while (depth > 0 && i < code.length);
    } else {
      i++;
    }
  }
  return out.join('');
}

/** The index just past the bracket that closes the one at `open` (round or curly). */
function matching(code: string, open: number, where: () => string): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}' };
  const opener = code[open]!;
  const closer = pairs[opener]!;
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === opener) depth++;
    else if (code[i] === closer && --depth === 0) return i + 1;
  }
  throw new UniformLayoutError(`${where()}: unbalanced '${opener}' at offset ${open}`);
}

/** Module-scope functions: name -> body (between the braces). */
function functionBodies(code: string, file: string): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const match of code.matchAll(/\bfn\s+([A-Za-z_]\w*)\s*\(/g)) {
    const name = match[1]!;
    const where = () => `${file}: fn ${name}`;
    const afterParameters = matching(code, match.index + match[0].length - 1, where);
    const open = code.indexOf('{', afterParameters);
    if (open < 0) throw new UniformLayoutError(`${where()}: no body`);
    bodies.set(name, code.slice(open + 1, matching(code, open, where) - 1));
  }
  return bodies;
}

/** Identifiers a piece of code refers to by name (member names after a '.' are not references). */
function referencedNames(body: string): Set<string> {
  const names = new Set<string>();
  for (const match of body.matchAll(/(\.\s*)?\b([A-Za-z_]\w*)/g)) if (!match[1]) names.add(match[2]!);
  return names;
}

interface UniformVariable {
  readonly name: string;
  readonly type: string;
}

/** Module-scope `var<uniform>` declarations at @group(0) @binding(0). */
function bindingZeroUniforms(code: string): Map<string, UniformVariable> {
  const found = new Map<string, UniformVariable>();
  const declaration = /((?:@\s*[A-Za-z_]\w*\s*(?:\([^)]*\))?\s*)*)\bvar\s*<\s*uniform\s*>\s*([A-Za-z_]\w*)\s*:\s*([^;=]+?)\s*;/g;
  for (const match of code.matchAll(declaration)) {
    const attributes = match[1]!.replace(/\s+/g, '');
    if (attributes.includes('@group(0)') && attributes.includes('@binding(0)')) {
      found.set(match[2]!, { name: match[2]!, type: match[3]!.replace(/\s+/g, ' ') });
    }
  }
  return found;
}

/** The uniform variable at binding 0 that `entry`, or a function it calls (transitively), reads. */
function uniformOfEntry(code: string, file: string, entry: string): UniformVariable {
  const bodies = functionBodies(code, file);
  if (!bodies.has(entry)) throw new UniformLayoutError(`${file}: no entry point '${entry}' (functions: ${[...bodies.keys()].join(', ')})`);
  const uniforms = bindingZeroUniforms(code);
  const used = new Set<string>();
  const visited = new Set<string>([entry]);
  const pending = [entry];
  while (pending.length > 0) {
    for (const name of referencedNames(bodies.get(pending.pop()!)!)) {
      if (uniforms.has(name)) used.add(name);
      if (bodies.has(name) && !visited.has(name)) {
        visited.add(name);
        pending.push(name);
      }
    }
  }
  if (used.size !== 1) {
    const found = used.size === 0 ? 'none' : [...used].join(', ');
    throw new UniformLayoutError(
      `${file} entry '${entry}': expected it (or a function it calls) to read exactly one '@group(0) @binding(0) var<uniform>' struct, found ${found}`,
    );
  }
  return uniforms.get([...used][0]!)!;
}

/** Splits a struct body at the commas between members (not those inside array<T, N>). */
function members(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const VECTOR_ELEMENT: Record<string, UniformScalarType> = {
  vec4u: 'u32', vec4i: 'i32', vec4f: 'f32', 'vec4<u32>': 'u32', 'vec4<i32>': 'i32', 'vec4<f32>': 'f32',
};

/** An array's element count: an integer literal or a module-scope `const` holding one. */
function elementCount(code: string, text: string): number | null {
  const literal = /^(\d+)[ui]?$/.exec(text);
  if (literal) return Number(literal[1]);
  if (!IDENTIFIER_ONLY.test(text)) return null;
  const constant = new RegExp(`\\bconst\\s+${text}\\s*(?::\\s*\\w+\\s*)?=\\s*(\\d+)[ui]?\\s*;`).exec(code);
  return constant ? Number(constant[1]) : null;
}

interface FieldType {
  readonly scalar: UniformScalarType;
  readonly count: number;
  readonly shape: 'scalar' | 'vector';
  readonly align: number;
  readonly size: number;
}

function fieldType(code: string, type: string): FieldType | null {
  const t = type.replace(/\s+/g, '');
  if (t === 'u32' || t === 'i32' || t === 'f32') return { scalar: t, count: 1, shape: 'scalar', align: 4, size: 4 };
  const vector = VECTOR_ELEMENT[t];
  if (vector) return { scalar: vector, count: 4, shape: 'vector', align: 16, size: 16 };
  const array = /^array<(vec4[uif]|vec4<(?:u32|i32|f32)>),(\w+)>$/.exec(t);
  if (!array) return null;
  const n = elementCount(code, array[2]!);
  if (n === null || n < 1) return null;
  return { scalar: VECTOR_ELEMENT[array[1]!]!, count: 4 * n, shape: 'vector', align: 16, size: 16 * n };
}

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;

/**
 * The layout of the uniform struct that `entry` of `kernel` reads at @group(0) @binding(0). Throws a
 * UniformLayoutError naming the file, entry, struct and field when it cannot be found or is not supported.
 */
export function uniformLayout(kernel: KernelSource, entry: string): UniformLayout {
  const code = blankComments(kernel.code);
  const variable = uniformOfEntry(code, kernel.file, entry);
  const where = `${kernel.file} entry '${entry}'`;
  const structMatch = IDENTIFIER_ONLY.test(variable.type) ? new RegExp(`\\bstruct\\s+${variable.type}\\s*\\{`).exec(code) : null;
  if (!structMatch) {
    throw new UniformLayoutError(`${where}: uniform '${variable.name}' has type '${variable.type}'; the engine writes a struct declared in the same file`);
  }
  const open = structMatch.index + structMatch[0].length - 1;
  const body = code.slice(open + 1, matching(code, open, () => `${where}: struct ${variable.type}`) - 1);
  const fields: UniformField[] = [];
  let offset = 0;
  let align = 4;
  for (const member of members(body)) {
    const m = /^([A-Za-z_]\w*)\s*:\s*(.+)$/s.exec(member);
    const name = m?.[1] ?? /([A-Za-z_]\w*)\s*:/.exec(member)?.[1] ?? member;
    const at = `${where}, uniform struct ${variable.type}, field '${name}'`;
    if (!m) throw new UniformLayoutError(`${at}: '${member.replace(/\s+/g, ' ')}' is not supported (attributes such as @align and @size are not)`);
    const type = m[2]!.replace(/\s+/g, ' ').trim();
    const t = fieldType(code, type);
    if (!t) {
      throw new UniformLayoutError(
        `${at}: type '${type}' is not supported (u32, i32, f32, vec4<u32|i32|f32>, array<vec4<u32|i32|f32>, N> with N a literal or const)`,
      );
    }
    offset = roundUp(offset, t.align);
    fields.push({ name, type, scalar: t.scalar, count: t.count, shape: t.shape, offset });
    offset += t.size;
    align = Math.max(align, t.align);
  }
  if (fields.length === 0) throw new UniformLayoutError(`${where}: uniform struct ${variable.type} has no fields`);
  const size = roundUp(offset, align);
  return { file: kernel.file, entry, struct: variable.type, variable: variable.name, fields, size, bindingSize: Math.max(16, roundUp(size, 16)) };
}

/** Padding may be left out of a launch (it is written as zeros): fields named pad, pad0, padding... */
const isPadding = (name: string) => name.startsWith('pad');

const TYPED_ARRAY: Record<UniformScalarType, { readonly name: string; readonly is: (v: unknown) => boolean }> = {
  u32: { name: 'Uint32Array', is: (v) => v instanceof Uint32Array },
  i32: { name: 'Int32Array', is: (v) => v instanceof Int32Array },
  f32: { name: 'Float32Array', is: (v) => v instanceof Float32Array },
};

function describeValue(value: UniformValue): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.length}`;
  const [kind, number] = Object.entries(value)[0] ?? ['?', '?'];
  return `${kind}(${number})`;
}

/** The closest field name by edit distance, for "did you mean". */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  const best = candidates.map((c) => ({ c, d: distance(name, c) })).sort((p, q) => p.d - q.d)[0];
  return best && best.d <= Math.max(2, name.length / 3) ? best.c : undefined;
}

function checkScalar(scalar: UniformScalarType, value: number): boolean {
  if (scalar === 'f32') return typeof value === 'number';
  if (!Number.isInteger(value)) return false;
  return scalar === 'u32' ? value >= 0 && value <= 0xffffffff : value >= -0x80000000 && value <= 0x7fffffff;
}

/**
 * Writes `params` into `view` at `offset` (layout.bindingSize bytes, gaps and padding zeroed), or throws a
 * UniformLayoutError naming the kernel file, entry, struct and the field that does not fit.
 */
export function packUniforms(layout: UniformLayout, params: UniformValues, view: DataView, offset: number): void {
  const where = `${layout.file} entry '${layout.entry}', uniform struct ${layout.struct}`;
  const names = layout.fields.map((f) => f.name);
  for (const key of Object.keys(params)) {
    if (!names.includes(key)) {
      const guess = closest(key, names);
      throw new UniformLayoutError(`${where}: no field '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; its fields are ${names.join(', ')}`);
    }
  }
  new Uint8Array(view.buffer, view.byteOffset + offset, layout.bindingSize).fill(0);
  for (const field of layout.fields) {
    const value = params[field.name];
    const at = `${where}, field '${field.name}' (${field.type})`;
    if (value === undefined) {
      if (isPadding(field.name)) continue;
      throw new UniformLayoutError(`${at}: missing from the launch's params`);
    }
    const base = offset + field.offset;
    if (field.shape === 'scalar') {
      const number = ArrayBuffer.isView(value) ? undefined : (value as Record<string, number>)[field.scalar];
      if (number === undefined || !checkScalar(field.scalar, number)) {
        throw new UniformLayoutError(`${at}: expected ${field.scalar}(value)${field.scalar === 'f32' ? '' : ` with an integer in the ${field.scalar} range`}, got ${describeValue(value)}`);
      }
      if (field.scalar === 'u32') view.setUint32(base, number, true);
      else if (field.scalar === 'i32') view.setInt32(base, number, true);
      else view.setFloat32(base, number, true);
      continue;
    }
    const typed = TYPED_ARRAY[field.scalar];
    if (!typed.is(value)) throw new UniformLayoutError(`${at}: expected a ${typed.name} of up to ${field.count} values, got ${describeValue(value)}`);
    const values = value as Uint32Array | Int32Array | Float32Array;
    if (values.length > field.count) throw new UniformLayoutError(`${at}: holds ${field.count} values, got ${values.length}`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (field.scalar === 'u32') view.setUint32(base + 4 * i, v, true);
      else if (field.scalar === 'i32') view.setInt32(base + 4 * i, v, true);
      else view.setFloat32(base + 4 * i, v, true);
    }
  }
}
