// The self-check's training task: a tiny conv1d network learns a fixed nonlinear filter of white noise,
//   target[t] = tanh(1.5 * (0.6 x[t-2] - 0.8 x[t] + 0.5 x[t+1]))      (x = 0 outside the sequence)
// which a 5-tap convolution, tanh, and a second convolution can represent, so the loss must fall far. It
// exercises conv1d forward and backward, an activation, reductions, autograd and Adam end to end.
import { tensor } from '../creation.ts';
import type { Engine } from '../engine.ts';
import { backward } from '../autograd.ts';
import { mean } from '../ops/reduce.ts';
import { square, sub, tanh } from '../ops/elementwise.ts';
import { InitRandom } from '../nn/init.ts';
import { Conv1d } from '../nn/layers.ts';
import { Module } from '../nn/module.ts';
import { Adam } from '../optim/adam.ts';
import type { Tensor } from '../tensor.ts';

export interface SequenceTaskOptions {
  readonly steps: number;
  readonly seed: number;
  readonly batch?: number;
  readonly length?: number;
  readonly learningRate?: number;
  /** Called with (step, loss) at every step where the loss was read back (every `reportEvery` steps). */
  readonly onLoss?: (step: number, loss: number) => void;
  readonly reportEvery?: number;
}

class TinyConvNet extends Module {
  readonly first: Conv1d;
  readonly second: Conv1d;
  constructor(engine: Engine, random: InitRandom) {
    super();
    this.first = this.registerModule('first', new Conv1d(engine, 'first', { inChannels: 1, outChannels: 16, kernelSize: 5, padding: 2 }, random));
    this.second = this.registerModule('second', new Conv1d(engine, 'second', { inChannels: 16, outChannels: 1, kernelSize: 5, padding: 2 }, random));
  }
  forward(x: Tensor): Tensor {
    return this.second.forward(tanh(this.first.forward(x)));
  }
}

export function sequenceTaskBatch(random: InitRandom, batch: number, length: number): { input: Float32Array; target: Float32Array } {
  const input = random.uniform(batch * length, 1);
  const target = new Float32Array(batch * length);
  const at = (b: number, t: number) => (t >= 0 && t < length ? input[b * length + t]! : 0);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < length; t++) target[b * length + t] = Math.tanh(1.5 * (0.6 * at(b, t - 2) - 0.8 * at(b, t) + 0.5 * at(b, t + 1)));
  }
  return { input, target };
}

/** Trains the tiny network; returns the losses read back (first and last included). */
export async function trainSequenceTask(engine: Engine, options: SequenceTaskOptions): Promise<{ step: number; loss: number }[]> {
  const batch = options.batch ?? 16;
  const length = options.length ?? 128;
  const reportEvery = options.reportEvery ?? 25;
  const random = new InitRandom(options.seed);
  const net = new TinyConvNet(engine, random);
  const optimizer = new Adam(net.parameters(), { lr: options.learningRate ?? 1e-2 });
  const losses: { step: number; loss: number }[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const data = sequenceTaskBatch(random, batch, length);
      const loss = engine.tidy(() => {
        const x = tensor(engine, data.input, [batch, 1, length], 'input');
        const y = tensor(engine, data.target, [batch, 1, length], 'target');
        const l = mean(square(sub(net.forward(x), y)));
        backward(l);
        optimizer.step();
        optimizer.zeroGrad();
        return l;
      });
      if (step % reportEvery === 0 || step === options.steps - 1) {
        const value = await loss.item();
        losses.push({ step, loss: value });
        options.onLoss?.(step, value);
      }
      loss.dispose();
    }
  } finally {
    optimizer.dispose();
    net.dispose();
  }
  return losses;
}
