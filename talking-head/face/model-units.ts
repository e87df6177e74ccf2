// Length units of face models (FaceModel.units) in centimetres.
import type { FaceModel } from './face-model.ts';

const CM_PER_UNIT: Readonly<Record<string, number>> = { mm: 0.1, cm: 1, dm: 10, m: 100 };

export function centimetresPerModelUnit(model: FaceModel): number {
  const cm = CM_PER_UNIT[model.units];
  if (cm === undefined) throw new RangeError(`face model '${model.name}': units '${model.units}' unknown, expected one of ${Object.keys(CM_PER_UNIT).join(', ')}`);
  return cm;
}
