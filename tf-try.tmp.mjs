import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = create([]);
Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
const which = process.argv[2];
if (which === 'wasm') {
  const w = await import('@tensorflow/tfjs-backend-wasm');
  const { createRequire } = await import('node:module');
  const dir = new URL('../../work/main/node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url);
  w.setWasmPaths('/work/main/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  w.setThreadsCount?.(1);
}
console.log(await tf.setBackend(which), tf.getBackend());
const a = tf.randomUniform([1024,1024]); const b = tf.randomUniform([1024,1024]);
for (let i=0;i<3;i++){ const t=performance.now(); const c = tf.matMul(a,b); await c.data(); console.log('matmul ms', performance.now()-t); c.dispose(); }
const x = tf.randomUniform([64,256,64]); const f = tf.randomUniform([5,64,64]);
for (let i=0;i<2;i++){ const t=performance.now(); const c = tf.conv1d(x,f,1,'same'); await c.data(); console.log('conv ms', performance.now()-t); c.dispose(); }
const x4 = x.reshape([64,1,256,64]); const dy = tf.randomUniform([64,1,256,64]);
try { const t=performance.now(); const dw = tf.engine().runKernel('Conv2DBackpropFilter', {x: x4, dy}, {strides:[1,1], pad:'same', dataFormat:'NHWC', dimRoundingMode: undefined, filterShape:[1,5,64,64]}); await dw.data(); console.log('dw ms', performance.now()-t, dw.shape);} catch(e){console.log('dw fail', e.message)}
try { const t=performance.now(); const dx = tf.engine().runKernel('Conv2DBackpropInput', {dy, filter: f.reshape([1,5,64,64])}, {strides:[1,1], pad:'same', dataFormat:'NHWC', dimRoundingMode: undefined, inputShape:[64,1,256,64]}); await dx.data(); console.log('dx ms', performance.now()-t, dx.shape);} catch(e){console.log('dx fail', e.message)}
if (which==='webgpu') { const be = tf.backend(); console.log(typeof be.submitQueue, typeof be.device?.queue?.onSubmittedWorkDone); }
