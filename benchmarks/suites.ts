// The benchmark suites benchmarks/run.ts runs, in order. Each returns rows of posedyn timings and/or peer
// timings matched to rows by name (see harness.ts); run.ts prints them as one table and one JSON file.
//
// kernels:    posedyn's kernels one at a time at the model's shapes (benchmarks/kernels.ts)
// peers:      TF.js WebGPU / WASM and PyTorch on the kernel rows, one subprocess each (benchmarks/peers/suite.ts)
// end-to-end: PoseGAN and PGFace training steps and generation, with TF.js's PoseGAN interleaved round by
//             round (benchmarks/end-to-end.ts)
import { endToEndSuite } from './end-to-end.ts';
import type { BenchmarkSuite } from './harness.ts';
import { kernelSuite } from './kernels.ts';
import { peerSuite } from './peers/suite.ts';

export const BENCHMARK_SUITES: readonly BenchmarkSuite[] = [kernelSuite, peerSuite, endToEndSuite];
