// Line plots on a 2D canvas: stacked lanes (the six pose channels, each on its own scale, with a cursor at the
// current frame) and a single curve (the fine-tuning loss).
export interface Lane {
  readonly label: string;
  readonly color: string;
  /** one value a frame */
  readonly values: ArrayLike<number>;
  /** printed after the range, e.g. '°' */
  readonly unit: string;
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const g = canvas.getContext('2d');
  if (!g) throw new Error('the browser gave no 2D canvas context for the plots');
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = '11px system-ui, sans-serif';
  return g;
}

function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = Math.max((hi - lo) * 0.1, 1e-6);
  return [lo - pad, hi + pad];
}

/** Each lane in its own horizontal band over `frames` frames; a vertical cursor at `cursor` (a frame) if given. */
export function drawLanes(canvas: HTMLCanvasElement, lanes: readonly Lane[], frames: number, cursor: number | null): void {
  const g = context(canvas);
  const left = 92;
  const width = canvas.width - left - 6;
  const laneHeight = canvas.height / Math.max(1, lanes.length);
  const x = (frame: number) => left + (frames > 1 ? (frame / (frames - 1)) * width : 0);
  lanes.forEach((lane, k) => {
    const top = k * laneHeight;
    const [lo, hi] = range(lane.values);
    const y = (v: number) => top + laneHeight - 3 - ((v - lo) / (hi - lo)) * (laneHeight - 6);
    g.fillStyle = k % 2 ? '#fafbfc' : '#f1f3f6';
    g.fillRect(0, top, canvas.width, laneHeight);
    g.fillStyle = '#1d2430';
    g.fillText(lane.label, 4, top + 13);
    g.fillStyle = '#6b7385';
    g.fillText(`${lo.toFixed(2)}..${hi.toFixed(2)}${lane.unit}`, 4, top + 26);
    g.strokeStyle = lane.color;
    g.lineWidth = 1.5;
    g.beginPath();
    for (let i = 0; i < lane.values.length; i++) {
      if (i === 0) g.moveTo(x(i), y(lane.values[i]!));
      else g.lineTo(x(i), y(lane.values[i]!));
    }
    g.stroke();
  });
  if (cursor !== null && frames > 0) {
    g.strokeStyle = '#d33';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x(cursor), 0);
    g.lineTo(x(cursor), canvas.height);
    g.stroke();
  }
}

/** One curve over its index, with its last value printed. */
export function drawCurve(canvas: HTMLCanvasElement, values: readonly number[], label: string, color = '#2f6fd6'): void {
  const g = context(canvas);
  const [lo, hi] = range(values);
  const x = (i: number) => 4 + (values.length > 1 ? (i / (values.length - 1)) * (canvas.width - 8) : 0);
  const y = (v: number) => canvas.height - 4 - ((v - lo) / (hi - lo)) * (canvas.height - 22);
  g.fillStyle = '#1d2430';
  g.fillText(`${label}${values.length ? `: ${values.at(-1)!.toPrecision(4)} (step ${values.length})` : ''}`, 4, 12);
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  values.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
  g.stroke();
}
