import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertSameFeatureConfig, deepSpeechFeatureConfig, defaultFeatureConfig, featureConfig, featureConfigFromJson, featureConfigHash,
  featureConfigToJson, sameFeatureConfig,
} from '../../talking-head/features/config.ts';

test('the default config has 26 mels + 3 = 29 features, a 16-frame window centred on column 8', () => {
  assert.is(defaultFeatureConfig.features, 29);
  assert.is(defaultFeatureConfig.nMels + 3, 29);
  assert.is(defaultFeatureConfig.context, 16);
  assert.is(defaultFeatureConfig.contextCentre, 8);
});

test('configs round-trip through JSON (text and parsed object) and keep their hash', () => {
  for (const config of [defaultFeatureConfig, featureConfig({ nMels: 32, fMin: 0 }), deepSpeechFeatureConfig]) {
    const json = featureConfigToJson(config);
    const back = featureConfigFromJson(json);
    assert.equal(back, config);
    assert.ok(sameFeatureConfig(back, config));
    assert.is(featureConfigToJson(back), json);
    assert.is(featureConfigHash(back), featureConfigHash(config));
    assert.equal(featureConfigFromJson(JSON.parse(json)), config);
  }
});

test('the canonical JSON ignores key order and the hash is stable across releases', () => {
  const shuffled = Object.fromEntries(Object.entries(defaultFeatureConfig).reverse());
  assert.is(featureConfigToJson(featureConfigFromJson(shuffled)), featureConfigToJson(defaultFeatureConfig));
  assert.ok(featureConfigToJson(defaultFeatureConfig).startsWith('{"frontEnd":"logmel-pitch-v1","sampleRate":16000,"fps":30,'));
  // Checkpoints record this hash: changing it means old checkpoints no longer match their features.
  assert.is(featureConfigHash(defaultFeatureConfig), featureConfigHash(featureConfig()));
  assert.match(featureConfigHash(defaultFeatureConfig), /^[0-9a-f]{16}$/);
});

test('different configs differ in equality and hash, and the mismatch names the fields', () => {
  const other = featureConfig({ nMels: 32 });
  assert.not.ok(sameFeatureConfig(defaultFeatureConfig, other));
  assert.is.not(featureConfigHash(defaultFeatureConfig), featureConfigHash(other));
  assert.not.ok(sameFeatureConfig(defaultFeatureConfig, deepSpeechFeatureConfig));
  assert.throws(
    () => assertSameFeatureConfig(defaultFeatureConfig, other, 'checkpoint posegan.safetensors'),
    (e: Error) => /checkpoint posegan\.safetensors/.test(e.message) && /nMels: 32 \(expected 26\)/.test(e.message) && /features: 35 \(expected 29\)/.test(e.message),
  );
});

test('invalid configs are rejected naming the field', () => {
  assert.throws(() => featureConfig({ fMax: 9000 }), /'fMax' is 9000, expected <= the Nyquist frequency 8000/);
  assert.throws(() => featureConfig({ windowLength: 600 }), /'windowLength' is 600, expected <= nFft \(512\)/);
  assert.throws(() => featureConfig({ contextCentre: 16 }), /'contextCentre' is 16/);
  assert.throws(() => featureConfig({ nMels: 26, features: 30 }), /'features' is 30, expected nMels \+ 3 = 29/);
  assert.throws(() => featureConfig({ fps: 29.97 }), /'fps' is 29.97, expected an integer/);
  const json = JSON.parse(featureConfigToJson(defaultFeatureConfig));
  delete json.pitchMin;
  assert.throws(() => featureConfigFromJson(json, 'ckpt.json'), /ckpt\.json: field 'pitchMin' is missing/);
  assert.throws(() => featureConfigFromJson({ ...defaultFeatureConfig, extra: 1 }, 'ckpt.json'), /unknown field 'extra'/);
  assert.throws(() => featureConfigFromJson({ frontEnd: 'deepspeech' }), /'frontEnd' is "deepspeech"/);
});

test.run();
