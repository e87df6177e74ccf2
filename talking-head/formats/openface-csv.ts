// OpenFace 2.x FeatureExtraction CSV -> per-frame head pose, runtime-agnostic.
//
// Columns are found by name (OpenFace writes ", " between fields, so header names carry a leading space;
// they are trimmed). Used: frame, timestamp, confidence, success, pose_Rx/Ry/Rz (radians) and
// pose_Tx/Ty/Tz (mm), in OpenFace's own convention: R = Rx * Ry * Rz in a camera frame with x right, y down,
// z forward. talking-head/pose/pose-convention.ts converts them to posedyn's convention (fromOpenFace).
// A frame is valid when success == 1 and confidence >= minConfidence; invalid frames are masked and their pose
// filled by linear interpolation over the frame index between the nearest valid frames (before the first and
// after the last valid frame: the nearest valid pose).
import Papa from 'papaparse';
import { FormatError } from '../../core/formats/bytes.ts';

export const OPENFACE_POSE_COLUMNS = ['pose_Rx', 'pose_Ry', 'pose_Rz', 'pose_Tx', 'pose_Ty', 'pose_Tz'] as const;
const REQUIRED_COLUMNS = ['frame', 'timestamp', 'confidence', 'success', ...OPENFACE_POSE_COLUMNS] as const;

export interface OpenFaceOptions {
  /** frames with a lower tracking confidence are masked; default 0.8 */
  readonly minConfidence?: number;
}

export interface OpenFaceTrack {
  /** number of rows (frames) */
  readonly length: number;
  /** OpenFace frame numbers (1-based as written) */
  readonly frames: Int32Array;
  /** seconds */
  readonly timestamps: Float64Array;
  readonly confidence: Float32Array;
  /** OpenFace's success flag (0 / 1) */
  readonly success: Uint8Array;
  /** 1 where the frame passed success and confidence checks, 0 where its pose was interpolated */
  readonly valid: Uint8Array;
  /** [length, 6] row-major: Rx, Ry, Rz (radians), Tx, Ty, Tz (mm), OpenFace convention, gaps filled */
  readonly pose: Float64Array;
}

export function parseOpenFaceCsv(bytes: Uint8Array, source: string, options: OpenFaceOptions = {}): OpenFaceTrack {
  const minConfidence = options.minConfidence ?? 0.8;
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.trim() === '') throw new FormatError(source, 'is empty, expected an OpenFace CSV with a header row');
  const parsed = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true });
  const firstError = parsed.errors[0];
  if (firstError) throw new FormatError(source, `CSV row ${(firstError.row ?? 0) + 1}: ${firstError.message}`);
  const [header = [], ...rows] = parsed.data;
  const names = header.map((h) => h.trim());
  const column = Object.fromEntries(REQUIRED_COLUMNS.map((name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new FormatError(source, `has no column '${name}' (is this an OpenFace FeatureExtraction CSV? columns: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`);
    return [name, index];
  })) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  if (rows.length === 0) throw new FormatError(source, 'has a header but no frames');

  const n = rows.length;
  const track = {
    length: n,
    frames: new Int32Array(n),
    timestamps: new Float64Array(n),
    confidence: new Float32Array(n),
    success: new Uint8Array(n),
    valid: new Uint8Array(n),
    pose: new Float64Array(n * 6),
  };
  rows.forEach((row, r) => {
    if (row.length !== names.length) {
      throw new FormatError(source, `row ${r + 2} (data row ${r + 1}) has ${row.length} fields, expected ${names.length} as in the header (file truncated?)`);
    }
    const value = (name: (typeof REQUIRED_COLUMNS)[number]): number => {
      const cell = row[column[name]];
      const v = cell === undefined ? NaN : Number(cell.trim());
      if (cell === undefined || cell.trim() === '' || !Number.isFinite(v)) {
        throw new FormatError(source, `row ${r + 2} (data row ${r + 1}), column '${name}': ${JSON.stringify(cell ?? '')} is not a number`);
      }
      return v;
    };
    track.frames[r] = value('frame');
    track.timestamps[r] = value('timestamp');
    track.confidence[r] = value('confidence');
    track.success[r] = value('success') === 1 ? 1 : 0;
    track.valid[r] = track.success[r] === 1 && value('confidence') >= minConfidence ? 1 : 0;
    OPENFACE_POSE_COLUMNS.forEach((name, k) => (track.pose[r * 6 + k] = value(name)));
  });
  fillInvalidFrames(track.pose, track.valid, source, minConfidence);
  return track;
}

/** Linear interpolation over invalid rows of a [n, 6] pose array; nearest valid row at the ends. */
function fillInvalidFrames(pose: Float64Array, valid: Uint8Array, source: string, minConfidence: number): void {
  const n = valid.length;
  let previous = -1;
  for (let r = 0; r <= n; r++) {
    if (r < n && !valid[r]) continue;
    if (r === n && previous < 0) throw new FormatError(source, `no valid frame among ${n} (every frame has success == 0 or confidence < ${minConfidence})`);
    // Rows previous+1 .. r-1 are invalid; previous and r (when in range) are valid.
    for (let gap = previous + 1; gap < r; gap++) {
      for (let k = 0; k < 6; k++) {
        if (previous < 0) pose[gap * 6 + k] = pose[r * 6 + k]!;
        else if (r === n) pose[gap * 6 + k] = pose[previous * 6 + k]!;
        else {
          const w = (gap - previous) / (r - previous);
          pose[gap * 6 + k] = (1 - w) * pose[previous * 6 + k]! + w * pose[r * 6 + k]!;
        }
      }
    }
    previous = r;
  }
}
