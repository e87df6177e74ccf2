// The forms of PoseGAN's adversarial term, Eq. (6): L_GAN = E[log D(x, y)] + E[log(1 - D(x, G(x, p)))], D
// maximising, G minimising. Each form gives D's loss (to minimise) on real and fake logits and G's loss on
// the logits of its fakes; every expectation is a mean over the batch and D's patches.
//   non-saturating (Goodfellow et al. 2014): D: BCE(z_real, 1) + BCE(z_fake, 0)   G: BCE(z_fake, 1) = -log D
//     G minimises -log D(x, G) instead of log(1 - D(x, G)): the same fixed point, but the latter's gradient
//     vanishes while D wins (early in training).
//   least-squares (Mao et al. 2017):          D: (z_real - 1)^2 + z_fake^2            G: (z_fake - 1)^2
//   hinge (Lim & Ye 2017; Miyato et al.):     D: relu(1 - z_real) + relu(1 + z_fake)  G: -z_fake
// Feature matching (Salimans et al. 2016; paired as in pix2pixHD): G also minimises the mean absolute
// difference of D's layer activations on (x, y) and on (x, G(x, p)), summed over layers (D's side constant).
import { abs, add, addScalar, affine, neg, relu, square, sub } from '../../core/ops/elementwise.ts';
import { bceWithLogits } from '../../core/ops/loss.ts';
import { mean } from '../../core/ops/reduce.ts';
import { detach } from '../../core/ops/reshape.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseGanConfig } from '../posegan/config.ts';

export type AdversarialLoss = PoseGanConfig['adversarialLoss'];

/** D's loss (to minimise) from the logits of real and of (detached) fake sequences. */
export function discriminatorLoss(kind: AdversarialLoss, real: Tensor, fake: Tensor): Tensor {
  switch (kind) {
    case 'non-saturating':
      return add(bceWithLogits(real, 1), bceWithLogits(fake, 0));
    case 'least-squares':
      return add(mean(square(addScalar(real, -1))), mean(square(fake)));
    case 'hinge':
      return add(mean(relu(affine(real, -1, 1))), mean(relu(addScalar(fake, 1))));
    default:
      return kind satisfies never;
  }
}

/** G's adversarial loss (to minimise) from the logits of its fakes under the current D. */
export function generatorAdversarialLoss(kind: AdversarialLoss, fake: Tensor): Tensor {
  switch (kind) {
    case 'non-saturating':
      return bceWithLogits(fake, 1);
    case 'least-squares':
      return mean(square(addScalar(fake, -1)));
    case 'hinge':
      return neg(mean(fake));
    default:
      return kind satisfies never;
  }
}

/** sum over layers of mean |f_l(real) - f_l(fake)|, the real side a constant. */
export function featureMatchingLoss(real: readonly Tensor[], fake: readonly Tensor[]): Tensor {
  if (real.length !== fake.length || real.length === 0) throw new RangeError(`featureMatchingLoss: ${real.length} real and ${fake.length} fake layers`);
  return real.map((r, i) => mean(abs(sub(detach(r), fake[i]!)))).reduce((a, b) => add(a, b));
}
