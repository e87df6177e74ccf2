// Every op of the paper (talking-head/ops/registry.ts), checked from its declaration: forward against the float64
// reference, backward against the analytic reference and finite differences, on each declared case. Behaviour a
// reference cannot express stays in the op's own test file.
import { test } from 'uvu';
import { talkingHeadOps } from '../../talking-head/ops/registry.ts';
import { testEngine } from '../helpers/engine.ts';
import { checkOpRegistry } from '../helpers/op-checks.ts';

const engine = await testEngine();
checkOpRegistry(engine, 'talking-head', talkingHeadOps);

test.run();
