// The part of the Khronos glTF validator's API (npm gltf-validator, which ships no types) the tests use.
declare module 'gltf-validator' {
  interface ValidationMessage { code: string; message: string; severity: number; pointer?: string }
  interface ValidationReport {
    issues: { numErrors: number; numWarnings: number; numInfos: number; numHints: number; messages: ValidationMessage[] };
    info: { animationCount: number; hasMorphTargets: boolean; totalVertexCount: number; [key: string]: unknown };
  }
  const validator: { validateBytes(data: Uint8Array, options?: { maxIssues?: number; uri?: string }): Promise<ValidationReport> };
  export default validator;
}
