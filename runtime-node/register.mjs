// Lets Node run posedyn's TypeScript sources directly: tsx compiles .ts, and the hook below imports .wgsl
// files as text, the same way esbuild's text loader does for the browser bundle.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./wgsl-text-loader.mjs', import.meta.url);
