// A talking head's motion from any of the files posedyn reads or writes, as one shape: head poses and face
// coefficients a frame. What `posedyn render --from` / `--compare` and `posedyn export --from` accept:
//   result.json   posedyn generate's output: fps, pose [frames][6], face [frames][144], poseUnits, identity,
//                 audio, restPose
//   track.json    posedyn track's output (the face tracker): fps, pose, face, poseUnits, landmarks, success
//   <name>.mat    Deep3DFaceRecon coefficients (`coeff` N x 257 at 30 fps, or per-key `angle`, `trans`, `id`, `exp`)
// Errors name the file and the field, and what was expected.
import { clipFromDeep3DMat } from '../data/clip-sources.ts';
import { FACE_COEFFICIENTS } from '../face/face-model.ts';

export interface HeadMotion {
  readonly source: string;
  readonly kind: 'result' | 'track' | 'deep3d-mat';
  readonly fps: number;
  readonly frames: number;
  /** Shape `[frames, 6]`: pitch, yaw, roll (rad), tx, ty, tz (translationUnit) */
  readonly pose: Float32Array;
  readonly translationUnit: string;
  /** Shape `[frames, 144]`: alpha_id, alpha_exp */
  readonly face: Float32Array;
  /** The rest pose the file records (result.json), else null: callers use the mean pose. */
  readonly restPose: readonly number[] | null;
  readonly identity: string | null;
  /** The speech the file names (result.json `audio`, as written there), else null. */
  readonly audio: string | null;
}

/** Deep3DFaceRecon's frame rate (its coefficient files hold no rate of their own). */
const DEEP3D_FPS = 30;

export function readHeadMotion(bytes: Uint8Array, source: string): HeadMotion {
  if (isMat5(bytes)) {
    const { pose, face } = clipFromDeep3DMat(bytes, source);
    if (!face) throw new RangeError(`${source}: has poses but no face coefficients ('coeff' N x 257, or 'id' and 'exp'): nothing to draw`);
    return {
      source, kind: 'deep3d-mat', fps: DEEP3D_FPS, frames: pose.frames, pose: Float32Array.from(pose.values), translationUnit: pose.unit,
      face, restPose: null, identity: null, audio: null,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new SyntaxError(`${source}: neither a MATLAB .mat file nor JSON (${(error as Error).message}); expected a result.json, a track.json or a Deep3DFaceRecon .mat`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new RangeError(`${source}: expected a JSON object (result.json or track.json)`);
  const root = json as Record<string, unknown>;
  const field = (name: string) => {
    if (!(name in root)) throw new RangeError(`${source}: field '${name}' is missing; expected a result.json (posedyn generate) or a track.json (posedyn track)`);
    return root[name];
  };
  const fps = field('fps');
  if (typeof fps !== 'number' || !(fps > 0)) throw new RangeError(`${source}: field 'fps' is ${JSON.stringify(fps)}, expected a positive number`);
  const pose = rows(field('pose'), 6, source, 'pose');
  const frames = pose.length / 6;
  const face = rows(field('face'), FACE_COEFFICIENTS, source, 'face');
  if (face.length / FACE_COEFFICIENTS !== frames) throw new RangeError(`${source}: field 'face' has ${face.length / FACE_COEFFICIENTS} rows, expected one a frame (${frames}, as 'pose')`);
  if ('frames' in root && root.frames !== frames) throw new RangeError(`${source}: field 'frames' is ${JSON.stringify(root.frames)} but 'pose' has ${frames} rows`);
  const units = root.poseUnits as { translation?: unknown } | undefined;
  const translationUnit = units?.translation;
  if (typeof translationUnit !== 'string') throw new RangeError(`${source}: field 'poseUnits.translation' is ${JSON.stringify(translationUnit)}, expected the translation unit ('bfm', 'mm', 'cm' or 'm')`);
  let restPose: number[] | null = null;
  if ('restPose' in root) {
    const rest = root.restPose;
    if (!Array.isArray(rest) || rest.length !== 6 || !rest.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new RangeError(`${source}: field 'restPose' is ${JSON.stringify(rest)}, expected 6 numbers`);
    }
    restPose = rest as number[];
  }
  const kind = 'landmarks' in root || 'success' in root ? 'track' : 'result';
  const text = (name: string) => (typeof root[name] === 'string' ? (root[name] as string) : null);
  return { source, kind, fps, frames, pose, translationUnit, face, restPose, identity: text('identity'), audio: text('audio') };
}

function isMat5(bytes: Uint8Array): boolean {
  return bytes.length >= 128 && new TextDecoder().decode(bytes.subarray(0, 10)) === 'MATLAB 5.0';
}

/** An array of rows of `width` finite numbers -> flat Float32Array. */
function rows(value: unknown, width: number, source: string, name: string): Float32Array {
  if (!Array.isArray(value)) throw new RangeError(`${source}: field '${name}' is not an array; expected one row of ${width} numbers a frame`);
  const out = new Float32Array(value.length * width);
  value.forEach((row: unknown, f) => {
    if (!Array.isArray(row) || row.length !== width) throw new RangeError(`${source}: field '${name}' row ${f} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width}`);
    row.forEach((v: unknown, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${source}: field '${name}' row ${f} value ${k} is ${JSON.stringify(v)}, expected a finite number`);
      out[f * width + k] = v;
    });
  });
  return out;
}
