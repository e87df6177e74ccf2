// One frame of a talking head as a Wavefront OBJ: the face decoded from its coefficients (Eq. 2) and
// rotated by the frame's head pose, for a quick look in any mesh viewer. The translation is written in a
// comment rather than applied, because the pose's unit (BFM units, mm) and the mesh's (cm) differ.
import { eulerToMatrix } from '../pose/pose-convention.ts';
import { EXP_COMPONENTS, FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS, decodeFaceCpu } from './face-model.ts';

export function faceFrameObj(model: FaceModel, coefficients: ArrayLike<number>, pose: ArrayLike<number>, comment: string): string {
  if (coefficients.length !== FACE_COEFFICIENTS) throw new RangeError(`faceFrameObj: ${coefficients.length} coefficients, expected ${FACE_COEFFICIENTS}`);
  if (pose.length !== 6) throw new RangeError(`faceFrameObj: pose has ${pose.length} values, expected 6 (pitch, yaw, roll, tx, ty, tz)`);
  const alpha = Array.from(coefficients);
  const vertices = decodeFaceCpu(model, alpha.slice(0, ID_COMPONENTS), alpha.slice(ID_COMPONENTS, ID_COMPONENTS + EXP_COMPONENTS));
  const r = eulerToMatrix(pose[0]!, pose[1]!, pose[2]!);
  const lines = [
    `# ${comment}`,
    `# face model '${model.name}' (${model.units}); rotated by pitch ${pose[0]!.toFixed(4)}, yaw ${pose[1]!.toFixed(4)}, roll ${pose[2]!.toFixed(4)} rad`,
    `# head translation (not applied): ${pose[3]!.toFixed(4)} ${pose[4]!.toFixed(4)} ${pose[5]!.toFixed(4)}`,
  ];
  for (let v = 0; v < model.vertexCount; v++) {
    const [x, y, z] = [vertices[3 * v]!, vertices[3 * v + 1]!, vertices[3 * v + 2]!];
    const rx = r[0]! * x + r[1]! * y + r[2]! * z;
    const ry = r[3]! * x + r[4]! * y + r[5]! * z;
    const rz = r[6]! * x + r[7]! * y + r[8]! * z;
    lines.push(`v ${rx.toFixed(5)} ${ry.toFixed(5)} ${rz.toFixed(5)}`);
  }
  for (let f = 0; f < model.triangles.length; f += 3) {
    lines.push(`f ${model.triangles[f]! + 1} ${model.triangles[f + 1]! + 1} ${model.triangles[f + 2]! + 1}`);
  }
  return `${lines.join('\n')}\n`;
}
