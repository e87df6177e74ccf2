// A camera orbiting the head: drag to turn (yaw, pitch), wheel to zoom, double-click to reset. Distances in cm,
// the mesh's unit. Projection maps depth to [0, 1] (WebGPU's clip space), hence perspectiveZO.
import { mat4, vec3 } from 'gl-matrix';

const HOME = { yaw: 0, pitch: 0.08, distance: 48 };

export class OrbitCamera {
  yaw = HOME.yaw;
  pitch = HOME.pitch;
  distance = HOME.distance;
  readonly target = vec3.fromValues(0, -0.5, 2);

  /** Listens on `element`; `onChange` is called whenever the view moves. */
  constructor(element: HTMLElement, onChange: () => void) {
    let drag: { x: number; y: number } | null = null;
    element.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY };
      element.setPointerCapture(e.pointerId);
    });
    element.addEventListener('pointerup', () => (drag = null));
    element.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.yaw -= (e.clientX - drag.x) * 0.01;
      this.pitch = Math.min(1.4, Math.max(-1.4, this.pitch + (e.clientY - drag.y) * 0.01));
      drag = { x: e.clientX, y: e.clientY };
      onChange();
    });
    element.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.distance = Math.min(200, Math.max(15, this.distance * Math.exp(e.deltaY * 0.001)));
      onChange();
    }, { passive: false });
    element.addEventListener('dblclick', () => {
      Object.assign(this, HOME);
      onChange();
    });
  }

  eye(): vec3 {
    const c = Math.cos(this.pitch);
    return vec3.fromValues(
      this.target[0] + this.distance * c * Math.sin(this.yaw),
      this.target[1] + this.distance * Math.sin(this.pitch),
      this.target[2] + this.distance * c * Math.cos(this.yaw),
    );
  }

  viewProjection(aspect: number): mat4 {
    const view = mat4.lookAt(mat4.create(), this.eye(), this.target, [0, 1, 0]);
    const projection = mat4.perspectiveZO(mat4.create(), (30 * Math.PI) / 180, aspect, 1, 1000);
    return mat4.multiply(mat4.create(), projection, view);
  }
}
