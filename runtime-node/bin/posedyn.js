#!/usr/bin/env node
// The `posedyn` command: runs the TypeScript CLI through tsx, with .wgsl files imported as text.
import '../register.mjs';

await import('../cli/main.ts');
