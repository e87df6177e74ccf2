// Turns an op registry (core/ops/registry.ts, talking-head/ops/registry.ts) into uvu tests: for every declared case,
//   "<op> forward matches the float64 reference for <case>"        the op's outputs (shapes and values) vs reference
//   "<op> backward matches the analytic reference for <case>"      every input's gradient vs backwardReference
//   "<op> backward matches finite differences for <case>"          gradients vs central differences of the reference
// plus one test that every entry declares the op its key names, has a forward check and, when differentiable, a
// finite-difference check; and, for ops that record no gradient, that they record none. Cases marked largeGrid
// also assert that a dispatch of the forward (and of the backward) spread over a 2-D grid of workgroups.
import { test as defaultTest } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import type { DispatchObserver, Engine } from '../../core/engine.ts';
import type { CaseInput, OpCase, OpDeclaration, ReferenceContext, ReferenceOutput, Tolerance } from '../../core/ops/declaration.ts';
import type { Tensor } from '../../core/tensor.ts';
import { assertClose } from './compare.ts';
import { gradCheck } from './gradcheck.ts';
import { rng, uniform, uniformAvoiding } from './random.ts';

type AnyDeclaration = OpDeclaration<any>;
type Test = typeof defaultTest;
type AnyCase = OpCase<unknown>;

/** FNV-1a of a string: a stable default seed for a case. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h % 100_000;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function inputValues(input: CaseInput, seed: number): Float32Array {
  const n = sizeOf(input.shape);
  if (input.values) {
    if (input.values.length !== n) throw new Error(`input ${input.name}: ${input.values.length} values for shape [${input.shape}]`);
    return Float32Array.from(input.values);
  }
  if (input.labels) {
    const next = rng(seed);
    return Float32Array.from({ length: n }, () => (next() < 0.5 ? 0 : 1));
  }
  const [low, high] = [input.low ?? -1, input.high ?? 1];
  return input.avoid?.length ? uniformAvoiding(n, seed, low, high, [...input.avoid], input.gap ?? 1e-2) : uniform(n, seed, low, high);
}

const asList = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);

/** Records whether any dispatch made while `fn` runs spreads over a 2-D grid (more than 65535 workgroups). */
function usesTwoDimensionalGrid(engine: Engine, fn: () => void): boolean {
  let twoDimensional = false;
  const previous = engine.observer;
  const watcher: DispatchObserver = {
    timestampWritesFor(launch) {
      if (launch.workgroups[1] > 1) twoDimensional = true;
      return undefined;
    },
    beforeSubmit() {},
    afterSubmit() {},
  };
  engine.flush();
  engine.observer = watcher;
  try {
    fn();
    engine.flush();
  } finally {
    engine.observer = previous;
  }
  return twoDimensional;
}

/** A case made concrete: input values, the context the reference gets, and how to run the op. */
function prepare(engine: Engine, name: string, declaration: AnyDeclaration, c: AnyCase) {
  const seed = c.seed ?? hash(`${name}|${c.name}`);
  const values = c.inputs.map((input, i) => inputValues(input, seed + 101 * i));
  const shapes = c.inputs.map((input) => input.shape);
  // A random op draws engine.nextSeed(): seeding the engine first fixes the draw, and its reference gets the seed.
  let drawn = 0;
  if (declaration.random) {
    engine.seed(seed);
    drawn = engine.nextSeed();
  }
  const context: ReferenceContext = { shapes, seed: drawn };
  const run = (tensors: readonly Tensor[]) => {
    if (declaration.random) engine.seed(seed);
    return asList(declaration.run(tensors, c.args, { engine, values }));
  };
  const makeInputs = (withGradients: boolean) => c.inputs.map((input, i) =>
    withGradients && input.differentiable !== false
      ? parameter(engine, values[i]!, input.shape, input.name)
      : tensor(engine, values[i]!, input.shape, input.name));
  const reference = (inputs: readonly Float64Array[]) => asList<ReferenceOutput>(declaration.reference(inputs, c.args, context));
  return { seed, values, context, run, makeInputs, reference, values64: values.map((v) => Float64Array.from(v)) };
}

const disposeAll = (tensors: readonly (Tensor | null | undefined)[]) => tensors.forEach((t) => t?.dispose());

function forwardTest(test: Test, label: string, engine: Engine, name: string, declaration: AnyDeclaration, c: AnyCase, tolerance: Tolerance): void {
  test(`${name} forward matches the float64 reference for ${c.name}${label}`, async () => {
    const p = prepare(engine, name, declaration, c);
    const inputs = p.makeInputs(false);
    let outputs: readonly Tensor[] = [];
    const twoDimensional = usesTwoDimensionalGrid(engine, () => (outputs = engine.tidy(() => p.run(inputs))));
    if (c.largeGrid) assert.ok(twoDimensional, `${name} ${c.name}: no forward dispatch used a 2-D grid`);
    const expected = p.reference(p.values64);
    assert.is(outputs.length, expected.length, `${name} ${c.name}: ${outputs.length} outputs, the reference has ${expected.length}`);
    for (const [j, out] of outputs.entries()) {
      const what = `${name} ${c.name}${outputs.length > 1 ? ` output ${j}` : ''}`;
      assert.equal([...out.shape], [...expected[j]!.shape], `${what}: shape`);
      assertClose(await out.read(), expected[j]!.data, tolerance, what);
    }
    disposeAll([...outputs, ...inputs]);
    if (c.largeGrid) engine.storage.trim();
  });
}

function backwardTest(test: Test, label: string, engine: Engine, name: string, declaration: AnyDeclaration, c: AnyCase, tolerance: NonNullable<AnyCase['backward']>): void {
  const backwardReference = declaration.backwardReference;
  if (!backwardReference) throw new Error(`${name}: case '${c.name}' asks for a backward check but the declaration has no backwardReference`);
  test(`${name} backward matches the analytic reference for ${c.name}${label}`, async () => {
    const p = prepare(engine, name, declaration, c);
    const inputs = p.makeInputs(true);
    let dyValues: Float32Array = new Float32Array(0);
    let twoDimensional = false;
    engine.tidy(() => {
      const outputs = p.run(inputs);
      if (outputs.length !== 1) throw new Error(`${name}: backward checks need one output, got ${outputs.length}`);
      const y = outputs[0]!;
      dyValues = uniform(y.size, p.seed + 777);
      const dy = tensor(engine, dyValues, y.shape, 'dy');
      twoDimensional = usesTwoDimensionalGrid(engine, () => backward(y, dy));
    });
    if (c.largeGrid) assert.ok(twoDimensional, `${name} ${c.name}: no backward dispatch used a 2-D grid`);
    const expected = backwardReference(p.values64, Float64Array.from(dyValues), c.args, p.context);
    let checked = 0;
    for (const [i, input] of c.inputs.entries()) {
      const tol = Array.isArray(tolerance) ? (tolerance as readonly (Tolerance | null)[])[i] : (tolerance as Tolerance);
      if (input.differentiable === false || !tol || !expected[i]) continue;
      const grad = inputs[i]!.grad;
      if (!grad) assert.unreachable(`${name} ${c.name}: no gradient reached ${input.name}`);
      assertClose(await grad!.read(), expected[i]!, tol, `${name} ${c.name}: d/d ${input.name} (GPU backward vs analytic reference)`);
      checked++;
    }
    assert.ok(checked > 0, `${name} ${c.name}: no input's gradient was compared`);
    disposeAll(inputs.flatMap((t) => [t.grad, t]));
    if (c.largeGrid) engine.storage.trim();
  });
}

function finiteDifferenceTest(test: Test, label: string, engine: Engine, name: string, declaration: AnyDeclaration, c: AnyCase): void {
  test(`${name} backward matches finite differences for ${c.name}${label}`, async () => {
    const p = prepare(engine, name, declaration, c);
    const fd = c.finiteDifferences!;
    await gradCheck(engine, {
      name: `${name} ${c.name}`,
      inputs: c.inputs.map((input, i) => ({ shape: input.shape, data: p.values[i]!, differentiable: input.differentiable })),
      gpu: (tensors) => p.run(tensors),
      reference: (values) => {
        const outputs = p.reference(values);
        const total = outputs.reduce((n, o) => n + o.data.length, 0);
        const flat = new Float64Array(total);
        let at = 0;
        for (const o of outputs) {
          flat.set(Array.from(o.data), at);
          at += o.data.length;
        }
        return flat;
      },
      ...(fd.samples !== undefined ? { samples: fd.samples } : {}),
      ...(fd.step !== undefined ? { step: fd.step } : {}),
      ...(fd.atol !== undefined ? { atol: fd.atol } : {}),
      ...(fd.rtol !== undefined ? { rtol: fd.rtol } : {}),
    });
  });
}

function noGradientTest(test: Test, label: string, engine: Engine, name: string, declaration: AnyDeclaration, c: AnyCase): void {
  test(`${name} records no gradient, even from inputs that require one (${c.name})${label}`, () => {
    const p = prepare(engine, name, declaration, c);
    const inputs = p.makeInputs(true);
    const outputs = p.run(inputs);
    for (const out of outputs) assert.ok(!out.requiresGrad && out.gradFn === null, `${name}: output ${out.name} records a gradient`);
    disposeAll([...outputs, ...inputs]);
  });
}

export interface RegistryCheckOptions {
  /** The uvu suite to register on (default: uvu's own `test`). */
  readonly suite?: Test;
  /** Appended to every test's name, e.g. " [conv1d.forward = register]". */
  readonly label?: string;
  /** Leave out the cases that spread over more than 65535 workgroups (big; the default run has them). */
  readonly skipLargeGrid?: boolean;
}

/** Registers the tests of every op in `registry` (one uvu suite; the caller runs it). */
export function checkOpRegistry(engine: Engine, layer: string, registry: Readonly<Record<string, AnyDeclaration>>, options: RegistryCheckOptions = {}): void {
  const test = options.suite ?? defaultTest;
  const label = options.label ?? '';
  const entries = Object.entries(registry);
  test(`every ${layer} op is declared under its own name, with a forward check and (when differentiable) a finite-difference check${label}`, () => {
    for (const [name, declaration] of entries) {
      assert.is(declaration.op.name, name, `the declaration under '${name}' declares the op '${declaration.op.name}'`);
      const cases = declaration.cases();
      assert.ok(cases.some((c) => c.forward), `${name}: no case checks the forward`);
      if (declaration.differentiable !== false) assert.ok(cases.some((c) => c.finiteDifferences), `${name}: no case checks finite differences`);
      const names = cases.map((c) => c.name);
      assert.equal(names.filter((n, i) => names.indexOf(n) !== i), [], `${name}: case names repeat`);
    }
  });
  for (const [name, declaration] of entries) {
    const cases = declaration.cases() as readonly AnyCase[];
    for (const c of cases) {
      if (options.skipLargeGrid && c.largeGrid) continue;
      if (c.forward) forwardTest(test, label, engine, name, declaration, c, c.forward);
      if (c.backward) backwardTest(test, label, engine, name, declaration, c, c.backward);
      if (c.finiteDifferences) finiteDifferenceTest(test, label, engine, name, declaration, c);
    }
    const withInputs = cases.find((c) => c.inputs.length > 0);
    if (declaration.differentiable === false && withInputs) noGradientTest(test, label, engine, name, declaration, withInputs);
  }
}
