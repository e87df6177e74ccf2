// The fitted face model: the regularised least-squares fit on synthetic landmarks with a known answer, its
// statistics-only validation error against the direct sum, the one-standard-error choice, the model file's
// round trip and errors, and the shipped model itself (what it is and what its provenance records). The fit on
// the real styletalk videos is measured in fitted-face-model-styletalk.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalFaceMesh, LANDMARK } from '../../talking-head/face/canonical-mesh.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { FACE_COEFFICIENTS, ID_COMPONENTS, combinedBasis, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { FITTED_FACE_MODEL_NAME } from '../../talking-head/face/fitted/fit-face-model.ts';
import { encodeFittedFaceModel, parseFittedFaceModel } from '../../talking-head/face/fitted/fitted-face-model-file.ts';
import { FitStatistics, basisGram, chooseRegularisation, fitLandmarkModel, segmentSquaredError } from '../../talking-head/face/fitted/landmark-model-fit.ts';
import { fittedFaceModel, fittedFaceModelProvenance } from '../../talking-head/face/fitted-face-model.ts';
import { MouthOpeningDecoder } from '../../talking-head/face/mouth-opening.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { LandmarkFaceFit, distanceToCanonicalMesh } from '../../talking-head/tracking/landmark-face-fit.ts';
import { assertClose } from '../helpers/compare.ts';
import { rng } from '../helpers/random.ts';

const K = FACE_COEFFICIENTS;

/** n frames of coefficients drawn with per-coefficient spread `spread(k)`, landmarks = mean + basis c + noise. */
function synthetic(rows: number, n: number, truth: { mean: Float64Array; basis: Float64Array }, spread: (k: number) => number, noise: number, seed: number) {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const stats = new FitStatistics(rows);
  const frames: { c: Float64Array; l: Float64Array }[] = [];
  for (let t = 0; t < n; t++) {
    const c = Float64Array.from({ length: K }, (_, k) => 0.3 + spread(k) * normal());
    const l = Float64Array.from({ length: rows }, (_, r) => {
      let s = truth.mean[r]!;
      for (let k = 0; k < K; k++) s += truth.basis[r * K + k]! * c[k]!;
      return s + noise * normal();
    });
    stats.add(c, 0, l, 0);
    frames.push({ c, l });
  }
  return { stats, frames };
}

function randomModel(rows: number, seed: number, scale = 1) {
  const next = rng(seed);
  return {
    mean: Float64Array.from({ length: rows }, () => 5 * (next() - 0.5)),
    basis: Float64Array.from({ length: rows * K }, () => scale * (next() - 0.5)),
  };
}

test('the fit recovers a linear landmark model from noiseless frames, and keeps the prior where a coefficient never moves', () => {
  const rows = 12;
  const truth = randomModel(rows, 1);
  const prior = randomModel(rows, 2).basis;
  // Coefficient 100 (an expression) is constant in every frame: the data says nothing about its column.
  const { stats } = synthetic(rows, 400, truth, (k) => (k === 100 ? 0 : 0.5), 0, 3);
  const fit = fitLandmarkModel(stats, prior, { lambdaId: 1e-6, lambdaExp: 1e-6 });
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      const expected = k === 100 ? prior[r * K + k]! : truth.basis[r * K + k]!;
      assert.ok(Math.abs(fit.basis[r * K + k]! - expected) < 1e-4, `B[${r}, ${k}] = ${fit.basis[r * K + k]}, expected ${expected}`);
    }
  }
  // The mean is fitted at c = 0 with the unmoved coefficient's column taken from the prior, so it absorbs
  // (truth - prior) x 0.3 for that column.
  const expectedMean = truth.mean.map((m, r) => m + (truth.basis[r * K + 100]! - prior[r * K + 100]!) * 0.3);
  assertClose(fit.mean, expectedMean, { atol: 1e-4, rtol: 0 }, 'S_mean');
});

test('with a large weight the fit returns the prior basis; the identity and expression weights act on their own columns', () => {
  const rows = 6;
  const truth = randomModel(rows, 4);
  const prior = randomModel(rows, 5).basis;
  // Identity coefficients held still: their columns cannot be told from the data, the expression columns can.
  const { stats } = synthetic(rows, 200, truth, (k) => (k < ID_COMPONENTS ? 0 : 0.5), 0, 6);
  const fit = fitLandmarkModel(stats, prior, { lambdaId: 1e9, lambdaExp: 1e-6 });
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      const expected = k < ID_COMPONENTS ? prior[r * K + k]! : truth.basis[r * K + k]!;
      assert.ok(Math.abs(fit.basis[r * K + k]! - expected) < 1e-4, `B[${r}, ${k}] = ${fit.basis[r * K + k]}, expected ${k < ID_COMPONENTS ? 'the prior' : 'the truth'} ${expected}`);
    }
  }
  const strong = fitLandmarkModel(stats, prior, { lambdaId: 1e9, lambdaExp: 1e9 });
  assertClose(strong.basis, prior, { atol: 1e-6, rtol: 0 }, 'both weights large: the prior basis');
});

test('a segment\'s squared error from its statistics equals the sum over its frames', () => {
  const rows = 9;
  const truth = randomModel(rows, 7);
  const { stats, frames } = synthetic(rows, 37, truth, () => 0.7, 0.2, 8);
  const model = randomModel(rows, 9, 0.3);
  let direct = 0;
  for (const { c, l } of frames) {
    for (let r = 0; r < rows; r++) {
      let s = model.mean[r]!;
      for (let k = 0; k < K; k++) s += model.basis[r * K + k]! * c[k]!;
      direct += (l[r]! - s) ** 2;
    }
  }
  const fromStats = segmentSquaredError(stats, model, basisGram(model, rows));
  assert.ok(Math.abs(fromStats - direct) < 1e-9 * direct, `${fromStats} vs ${direct}`);
});

test('the one-standard-error rule keeps the prior when it is right and leaves it when it is wrong', () => {
  const rows = 6;
  const truth = randomModel(rows, 10);
  const right = truth.basis;
  const wrong = randomModel(rows, 11).basis;
  // Few frames with small coefficient moves: noise dominates the columns' estimates.
  const train = synthetic(rows, 60, truth, () => 0.2, 0.05, 12).stats;
  const validation = [13, 14, 15, 16, 17].map((seed) => synthetic(rows, 30, truth, () => 0.2, 0.05, seed).stats);
  const grid = [0.01, 1, 100];
  const keep = chooseRegularisation(train, validation, right, grid);
  assert.equal([keep.chosen.lambdaId, keep.chosen.lambdaExp], [100, 100], 'a right prior: the most shrinkage');
  const leave = chooseRegularisation(train, validation, wrong, grid);
  assert.ok(leave.chosen.lambdaId * leave.chosen.lambdaExp < 100 * 100, `a wrong prior: less shrinkage (${leave.chosen.lambdaId}, ${leave.chosen.lambdaExp})`);
  for (const choice of [keep, leave]) {
    assert.ok(choice.chosen.aboveBest <= choice.chosen.standardError, 'the chosen pair is within one standard error of the best');
    assert.is(choice.candidates.length, grid.length ** 2);
  }
});

test('the model file round-trips (bases to half precision) and names the field that is wrong', () => {
  const V = canonicalFaceMesh().vertexCount;
  const next = rng(20);
  const parts = {
    name: 'test-fit',
    mean: canonicalFaceMesh().positions,
    idBasis: Float32Array.from({ length: 3 * V * ID_COMPONENTS }, () => next() - 0.5),
    expBasis: Float32Array.from({ length: 3 * V * (K - ID_COMPONENTS) }, () => next() - 0.5),
    coefficientMean: Float32Array.from({ length: K }, () => next()),
    coefficientStd: Float32Array.from({ length: K }, () => 0.1 + next()),
    provenance: { note: 'test' },
  };
  const text = encodeFittedFaceModel(parts);
  assert.is(encodeFittedFaceModel(parts), text, 'the same parts give the same text');
  const { model, provenance } = parseFittedFaceModel(JSON.parse(text), 'test.json');
  assert.equal(provenance, { note: 'test' });
  assert.equal(Array.from(model.mean), Array.from(parts.mean), 'the mean is stored in float32');
  assertClose(model.idBasis, parts.idBasis, { atol: 2 ** -25, rtol: 2 ** -11 }, 'identity basis (half precision)');
  assertClose(model.expBasis, parts.expBasis, { atol: 2 ** -25, rtol: 2 ** -11 }, 'expression basis (half precision)');
  assert.equal(Array.from(model.coefficientPrior!.std), Array.from(parts.coefficientStd));
  assert.equal(Array.from(model.triangles), Array.from(canonicalFaceMesh().triangles), 'triangles are the canonical mesh\'s');
  assert.equal(Array.from(model.lowerFaceMask), Array.from(proceduralFaceModel().lowerFaceMask), 'the lower-face mask is the procedural model\'s');
  assert.equal(model.innerLipVertices, [13, 14]);

  const broken = (edit: (o: Record<string, any>) => void) => {
    const o = JSON.parse(text);
    edit(o);
    return o;
  };
  const cases: [string, Record<string, any>, RegExp][] = [
    ['format', broken((o) => { o.format = 'other'; }), /field 'format' is "other", expected "posedyn-fitted-face-model"/],
    ['units', broken((o) => { o.units = 'mm'; }), /field 'units'/],
    ['vertexCount', broken((o) => { o.vertexCount = 10; }), /field 'vertexCount' is 10, expected 468/],
    ['shape', broken((o) => { o.arrays.idBasis.shape = [1404, 79]; }), /field 'arrays.idBasis.shape' is \[1404,79\], expected \[1404, 80\]/],
    ['dtype', broken((o) => { o.arrays.mean.dtype = 'F16'; }), /field 'arrays.mean.dtype' is "F16", expected "F32"/],
    ['missing', broken((o) => { delete o.arrays.coefficientStd; }), /field 'arrays.coefficientStd' is missing/],
    ['truncated', broken((o) => { o.arrays.expBasis.base64 = o.arrays.expBasis.base64.slice(0, 400); }), /arrays.expBasis.base64' holds 300 bytes, expected 179712/],
    ['prior', broken((o) => { o.arrays.coefficientStd.base64 = encodeFittedFaceModel({ ...parts, coefficientStd: new Float32Array(K) }).match(/"coefficientStd": (\{.*\})/)![1]!.match(/"base64":"([^"]*)"/)![1]; }), /coefficientPrior.std\[0\] is 0, expected a finite value > 0/],
  ];
  for (const [what, json, pattern] of cases) {
    assert.throws(() => parseFittedFaceModel(json, 'model.json'), (e: Error) => e.message.startsWith('model.json: ') && pattern.test(e.message), what);
  }
});

test('the default face model is the shipped fitted model: 468 vertices in cm on MediaPipe\'s mesh, with a coefficient prior', () => {
  const model = defaultFaceModel();
  assert.is(model.name, FITTED_FACE_MODEL_NAME);
  assert.is(model.vertexCount, 468);
  assert.is(model.units, 'cm');
  for (const array of [model.mean, model.idBasis, model.expBasis]) assert.ok(array.every(Number.isFinite));
  assert.ok(distanceToCanonicalMesh(model) < 1, `its mean lies ${distanceToCanonicalMesh(model).toFixed(2)} cm (RMS) from the canonical mesh`);
  assert.ok(model.coefficientPrior!.std.every((s) => s > 0));
  assert.is.not(fittedFaceModel().mean, model.mean, 'every call gives a fresh copy');
});

test('the shipped model\'s provenance records the fit: training frames, the weights chosen on val, and lip-gap r >= 0.75 on the test split', () => {
  const p = fittedFaceModelProvenance() as {
    fit: { trainFrames: number; chosen: { lambdaId: number; lambdaExp: number }; prior: string };
    agreement: { test: { fitted: { identities: { identity: string; mouthR: number }[]; meanDistance: number }; prior: { meanDistance: number } } };
  };
  assert.is(p.fit.trainFrames, 3612, 'the styletalk training split (7:1:2 by time)');
  assert.is(p.fit.prior, proceduralFaceModel().name);
  assert.ok(p.fit.chosen.lambdaId > 0 && p.fit.chosen.lambdaExp > 0);
  assert.equal(p.agreement.test.fitted.identities.map((i) => i.identity), ['KristiNoem', 'Obama', 'andrew', 'feifeili']);
  for (const i of p.agreement.test.fitted.identities) assert.ok(i.mouthR >= 0.75, `${i.identity}: r ${i.mouthR}`);
  assert.ok(p.agreement.test.fitted.meanDistance < p.agreement.test.prior.meanDistance);
});

test('the mouth opening decoder gives the distance between the decoded inner-lip vertices, in cm for any unit', () => {
  const next = rng(30);
  for (const model of [fittedFaceModel(), proceduralFaceModel()]) {
    const decoder = new MouthOpeningDecoder(model);
    const prior = model.coefficientPrior;
    for (let trial = 0; trial < 3; trial++) {
      const c = Float64Array.from({ length: K }, (_, k) => (prior ? prior.mean[k]! + prior.std[k]! * (next() - 0.5) : next() - 0.5));
      const v = decodeFaceCpu(model, c.subarray(0, ID_COMPONENTS), c.subarray(ID_COMPONENTS));
      const [a, b] = [LANDMARK.upperLipInner, LANDMARK.lowerLipInner];
      const expected = Math.hypot(v[3 * a]! - v[3 * b]!, v[3 * a + 1]! - v[3 * b + 1]!, v[3 * a + 2]! - v[3 * b + 2]!);
      assert.ok(Math.abs(decoder.opening(c) - expected) < 1e-9, `${model.name}: ${decoder.opening(c)} vs ${expected}`);
    }
  }
  const inDecimetres = { ...proceduralFaceModel(), units: 'dm', name: 'dm' };
  const c = new Float64Array(K);
  assert.ok(Math.abs(new MouthOpeningDecoder(inDecimetres).opening(c) - 10 * new MouthOpeningDecoder(proceduralFaceModel()).opening(c)) < 1e-9);
  assert.throws(() => new MouthOpeningDecoder({ ...proceduralFaceModel(), innerLipVertices: undefined }), /does not name its inner-lip vertices/);
});

test('the tracker\'s face fit with the fitted model uses its coefficient prior: a face decoded from coefficients near it fits back', () => {
  const model = fittedFaceModel();
  const fit = new LandmarkFaceFit(model);
  const prior = model.coefficientPrior!;
  const next = rng(40);
  const c = Float64Array.from({ length: K }, (_, k) => prior.mean[k]! + 0.5 * prior.std[k]! * (next() - 0.5));
  const face = decodeFaceCpu(model, c.subarray(0, ID_COMPONENTS), c.subarray(ID_COMPONENTS));
  const back = fit.fit(face);
  const again = decodeFaceCpu(model, back.subarray(0, ID_COMPONENTS), back.subarray(ID_COMPONENTS));
  let worst = 0;
  for (let v = 0; v < 468; v++) worst = Math.max(worst, Math.hypot(face[3 * v]! - again[3 * v]!, face[3 * v + 1]! - again[3 * v + 1]!, face[3 * v + 2]! - again[3 * v + 2]!));
  assert.ok(worst < 0.02, `the refitted face is ${worst.toFixed(4)} cm from the decoded one at worst`);
  // The prior's own mean face fits back to the prior's mean exactly.
  const meanFace = decodeFaceCpu(model, prior.mean.subarray(0, ID_COMPONENTS), prior.mean.subarray(ID_COMPONENTS));
  assertClose(fit.fit(meanFace), prior.mean, { atol: 1e-3, rtol: 1e-3 }, 'the prior mean');
  assert.ok(combinedBasis(model).length === 3 * 468 * K);
});

test.run();
