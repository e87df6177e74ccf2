// The TF.js peer's generation over a long audio: the same windows as posedyn's inference
// (talking-head/inference/pose-windows.ts generatePoseSequence, whose windowPlan it follows), so both engines do the
// same work: every frame's audio encoded once, overlapping full windows chained by their pose and cross-faded,
// and the end window. tests/benchmarks/posegan-tfjs-port.test.ts checks the poses against posedyn's.
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { windowPlan } from '../../talking-head/inference/pose-windows.ts';
import { type TfPoseGan, generatorEncode, generatorForwardEncoded } from './posegan-tfjs.ts';
import type { Tf } from './tfjs.ts';

/** poses [L, 6] with its first K frames cross-faded from `tail` [K', 6] (pose-windows.ts crossFade). */
function crossFade(tf: Tf, poses: Tensor2D, tail: Tensor2D): Tensor2D {
  const [length, channels] = poses.shape;
  const k = Math.min(tail.shape[0], length);
  const weights = tf.tensor2d(Array.from({ length: k }, (_, j) => j / k), [k, 1]);
  const head = tf.slice(poses, [0, 0], [k, channels]);
  const from = tf.slice(tail, [0, 0], [k, channels]);
  const faded = tf.add(from, tf.mul(tf.sub(head, from), weights)) as Tensor2D;
  return k === length ? faded : tf.concat([faded, tf.slice(poses, [k, 0], [length - k, channels])], 0);
}

/** windows [N, F, W] (posedyn's layout), initial [1, 6] -> poses [N, 6], chained as posedyn's inference chains them. */
export function generatePoseSequenceTf(tf: Tf, model: TfPoseGan, windows: Tensor3D, initial: Tensor): Tensor2D {
  const c = model.config;
  const n = windows.shape[0];
  const plan = windowPlan(c, n, 0, n, c.windowOverlap > 0);
  const past = Math.max(...plan.map((p) => p.start + p.length)) - n;
  const encoded = generatorEncode(tf, model, past > 0 ? tf.pad(windows, [[0, past], [0, 0], [0, 0]]) : windows);
  const embedding = c.encoder.embedding;
  const channels = c.poseChannels;
  const parts: Tensor2D[] = [];
  let start = initial;
  let tail: Tensor2D | null = null;
  let known: { poses: Tensor2D; from: number } | null = null;
  for (const p of plan) {
    const sequence = tf.reshape(tf.slice(encoded, [p.start, 0], [p.length, embedding]), [1, p.length, embedding]) as Tensor3D;
    const startPose = p.start === p.s ? start : tf.slice(known!.poses, [p.start - known!.from, 0], [1, channels]);
    const out = generatorForwardEncoded(tf, model, sequence, startPose);
    const own = p.valid - p.skip;
    let poses = tf.reshape(tf.slice(out, [0, p.skip, 0], [1, own, channels]), [own, channels]) as Tensor2D;
    if (tail) poses = crossFade(tf, poses, tail);
    const kept = p.kept === own ? poses : tf.slice(poses, [0, 0], [p.kept, channels]);
    parts.push(kept);
    known = { poses: kept, from: p.s };
    if (p.kept < own) {
      start = tf.slice(poses, [p.kept, 0], [1, channels]);
      tail = tf.slice(poses, [p.kept, 0], [own - p.kept, channels]);
    } else {
      // chainPose: the last pose, moved on by the last step for an anchored generator
      const last = tf.slice(poses, [own - 1, 0], [1, channels]);
      start = c.anchorInitialPose && own >= 2 ? tf.sub(tf.mul(last, 2), tf.slice(poses, [own - 2, 0], [1, channels])) : last;
      tail = null;
    }
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
}
