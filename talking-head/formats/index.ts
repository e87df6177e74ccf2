// The namespace `formats` of `posedyn/talking-head`: file formats as bytes in, arrays out (and back), with
// errors that name the file and field (see this folder's README). Safetensors is in `posedyn` (core).
export { encodeWav16, parseWav } from './wav.ts';
export type { WavAudio } from './wav.ts';
export { arrayRowMajor, charRows, matFromRowMajor, matrixRowMajor, matVariable, parseMat5, writeMat5 } from './mat5.ts';
export type { MatArray, MatChar, MatNumeric, MatNumericClass, MatNumericData, MatrixExpectation, MatStruct, MatWritable, RowMajorMatrix } from './mat5.ts';
export { npzArray, parseNpy, parseNpz, writeNpy } from './npy.ts';
export type { NpyArray, NpyData, NpyDtype } from './npy.ts';
export { OPENFACE_POSE_COLUMNS, parseOpenFaceCsv } from './openface-csv.ts';
export type { OpenFaceOptions, OpenFaceTrack } from './openface-csv.ts';
export { readHeadMotion } from './head-motion.ts';
export type { HeadMotion } from './head-motion.ts';
