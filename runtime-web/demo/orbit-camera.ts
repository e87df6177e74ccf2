// A camera orbiting the head: drag to turn (yaw, pitch), wheel to zoom, double-click to reset. It starts where the
// video camera stands (talking-head/render/camera.ts: the head framed as a talking-head video frames it). World
// units are cm. Projection maps depth to [0, 1] (WebGPU's clip space), hence perspectiveZO.
import { mat4, vec3 } from 'gl-matrix';
import { type CameraPose, FIELD_OF_VIEW } from '../../talking-head/render/camera.ts';

export class OrbitCamera {
  yaw = 0;
  pitch = 0;
  distance: number;
  readonly target: vec3;
  readonly #home: CameraPose;

  /** Listens on `element`; `onChange` is called whenever the view moves. */
  constructor(element: HTMLElement, home: CameraPose, onChange: () => void) {
    this.#home = home;
    this.distance = home.distance;
    this.target = vec3.fromValues(...home.target);
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
      this.distance = Math.min(4 * this.#home.distance, Math.max(this.#home.distance / 4, this.distance * Math.exp(e.deltaY * 0.001)));
      onChange();
    }, { passive: false });
    element.addEventListener('dblclick', () => {
      this.yaw = 0;
      this.pitch = 0;
      this.distance = this.#home.distance;
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
    const projection = mat4.perspectiveZO(mat4.create(), FIELD_OF_VIEW, aspect, this.distance / 20, this.distance * 4);
    return mat4.multiply(mat4.create(), projection, view);
  }
}
