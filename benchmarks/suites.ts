// The benchmark suites benchmarks/run.ts runs, in order. Each returns rows of posedyn timings and/or peer
// timings matched to rows by name (see harness.ts); run.ts prints them as one table and one JSON file.
//
// Extension point: end-to-end steps (a PoseGAN or PGFace training step, inference on a 256-frame window) are
// added as one more BenchmarkSuite in this list; their rows then appear in the table, the JSON and the ratios
// like the kernels' do. A suite whose rows peers can also run adds those peer results itself.
import type { BenchmarkSuite } from './harness.ts';
import { kernelSuite } from './kernels.ts';
import { peerSuite } from './peers/suite.ts';

export const BENCHMARK_SUITES: readonly BenchmarkSuite[] = [kernelSuite, peerSuite];
