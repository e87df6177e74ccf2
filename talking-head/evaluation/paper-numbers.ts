// The paper's reported numbers (PAPER.md, Evaluation), printed beside ours. Their units and data differ from
// ours (OpenFace poses of five identities, BFM vertices), so they are a reference for direction and ordering,
// not for magnitude.
export const PAPER = {
  /** Table 2: L2 distance to ground truth on the test set, pose / motion */
  poseDistance: {
    'Mean pose': { pose: 0.92, motion: 0.12 },
    Random: { pose: 1.23, motion: 0.16 },
    'Nearest neighbour': { pose: 1.2, motion: 0.14 },
    CNN: { pose: 0.84, motion: 0.11 },
    PoseGAN: { pose: 0.89, motion: 0.12 },
  } as Record<string, { pose: number; motion: number }>,
  /** Table 4: classifier test accuracy and mean confidence of the correct identity */
  classifierAccuracy: 0.92,
  classifierIdentities: 5,
  confidence: { 'Mean pose': 0.2, CNN: 0.22, PoseGAN: 0.72 } as Record<string, number>,
  /** Table 1: one-class SVM acceptance (ranges over identities) */
  acceptance: { Real: '0.80-0.90', Random: '0.52-0.75' } as Record<string, string>,
  /** Table 3: face shape / motion */
  face: { 'Fixed identity': { shape: 0.96, motion: 0.43 }, PGFace: { shape: 0.81, motion: 0.41 } } as Record<string, { shape: number; motion: number }>,
} as const;
