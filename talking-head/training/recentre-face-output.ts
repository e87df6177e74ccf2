// (ours) Personalisation (Sec. 5.1) starts from the pretrained face network with its output re-centred on the
// new person: the output layer's bias is shifted by the mean residual (target - prediction, normalised units)
// over the person's training frames, so fine-tuning starts from a network that generates that person's mean face.
//
// Why: Eq. (7)-(8) weight the lower face by 10 (100 on squared distances), so coefficient directions that
// mostly move the upper face get almost no gradient and barely change in 20 epochs of fine-tuning. Without
// re-centring they keep what the pretrained network, shared by every identity, outputs for them: a blend of
// the pretraining identities, and PGFace's generated identity stays off the person's (on styletalk this
// made personalised PGFace lose to the fixed-identity baseline on the uniform vertex distance; see
// talking-head/pretrained/README.md). Re-centring uses only the fine-tuning frames, the data fine-tuning sees anyway.
// The fixed-identity baseline is re-centred the same way (only its expression part is used).
import { tensor } from '../../core/creation.ts';
import { add, sub } from '../../core/ops/elementwise.ts';
import { sum } from '../../core/ops/reduce.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { Engine } from '../../core/engine.ts';
import { type Dataset, type FrameRef, faceBatch } from '../data/dataset.ts';
import type { PgFace } from '../pgface/pgface.ts';

/** Shifts the output bias by the mean residual over `refs`' frame pairs; returns the shift [coefficients]. */
export async function recentreFaceOutput(engine: Engine, model: PgFace, dataset: Dataset, refs: readonly FrameRef[], chunk = 128): Promise<Float32Array> {
  const c = model.config;
  if (refs.length === 0) throw new Error('recentreFaceOutput: no training frames to centre on');
  const wasTraining = model.training;
  model.train(false);
  // Summed on the GPU chunk by chunk, read back once.
  const total = engine.noGrad(() => engine.tidy(() => {
    const parts: Tensor[] = [];
    for (let s = 0; s < refs.length; s += chunk) {
      const batch = faceBatch(dataset, refs.slice(s, s + chunk));
      const predicted = model.forward(
        tensor(engine, batch.audio, [batch.rows, c.featureCount, c.windowFrames], 'recentre.audio'),
        tensor(engine, batch.pose, [batch.rows, c.poseChannels], 'recentre.pose'),
      );
      parts.push(sum(sub(tensor(engine, batch.face, [batch.rows, c.coefficients], 'recentre.face'), predicted), 0));
    }
    return parts.reduce((a, b) => add(a, b));
  }));
  const residual = await total.read();
  total.dispose();
  const rows = 2 * refs.length;
  model.train(wasTraining);
  const shift = Float32Array.from(residual, (r) => r / rows);
  await model.shiftOutputBias(shift);
  return shift;
}
