// Every op of core/ops, checked from its declaration (core/ops/registry.ts): forward against the float64
// reference, backward against the analytic reference and finite differences, on each declared case. Tests of
// behaviour a reference cannot express (error messages, saturation, statistics, batch independence) stay in the
// op's own test file.
import { test } from 'uvu';
import { coreOps } from '../../core/ops/registry.ts';
import { testEngine } from '../helpers/engine.ts';
import { checkOpRegistry } from '../helpers/op-checks.ts';

const engine = await testEngine();
checkOpRegistry(engine, 'core', coreOps);

test.run();
