// WGSL sources are imported as text (esbuild's text loader in the bundle, a tsx loader hook in Node).
declare module '*.wgsl' {
  const source: string;
  export default source;
}
