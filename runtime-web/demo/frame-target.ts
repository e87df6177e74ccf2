// Where a rendered frame goes. Two ways, the same picture:
//   'canvas'    the WebGPU canvas context (getCurrentTexture): no copies; used on hardware adapters.
//   'readback'  an offscreen texture copied to a buffer, mapped, and put into a 2D canvas. Used on software
//               adapters: Chromium's SwiftShader loses the whole device (and with it the engine) on the first
//               present to a WebGPU canvas when headless ("A valid external Instance reference no longer
//               exists", seen with Chromium 156; with --use-angle=swiftshader it presents nothing instead).
//               A 640 x 480 frame is 1.2 MB a readback, cheap next to software rasterisation.
export type Presentation = 'canvas' | 'readback';

export interface FrameTarget {
  readonly format: GPUTextureFormat;
  readonly width: number;
  readonly height: number;
  /** The view to render this frame into. */
  view(): GPUTextureView;
  /** Records what must follow the render pass (a copy for readback). */
  afterPass(encoder: GPUCommandEncoder): void;
  /** Called after the submit; resolves when the frame is visible. */
  present(): Promise<void>;
  dispose(): void;
}

/** `?present=canvas|readback` in the page's URL overrides the choice by adapter. */
export function choosePresentation(isSoftwareAdapter: boolean, search: string): Presentation {
  const asked = new URLSearchParams(search).get('present');
  if (asked === 'canvas' || asked === 'readback') return asked;
  return isSoftwareAdapter ? 'readback' : 'canvas';
}

export function createFrameTarget(device: GPUDevice, canvas: HTMLCanvasElement, presentation: Presentation): FrameTarget {
  return presentation === 'canvas' ? canvasTarget(device, canvas) : readbackTarget(device, canvas);
}

function canvasTarget(device: GPUDevice, canvas: HTMLCanvasElement): FrameTarget {
  const context = canvas.getContext('webgpu');
  if (!context) throw new Error('the browser gave no WebGPU context for the head canvas');
  const format = navigator.gpu.getPreferredCanvasFormat();
  context.configure({ device, format, alphaMode: 'opaque' });
  return {
    format, width: canvas.width, height: canvas.height,
    view: () => context.getCurrentTexture().createView(),
    afterPass: () => undefined,
    present: () => Promise.resolve(),
    dispose: () => context.unconfigure(),
  };
}

function readbackTarget(device: GPUDevice, canvas: HTMLCanvasElement): FrameTarget {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('the browser gave no 2D context for the head canvas');
  const { width, height } = canvas;
  const bytesPerRow = Math.ceil((width * 4) / 256) * 256;
  const texture = device.createTexture({
    size: [width, height], format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC, label: 'head frame',
  });
  const readback = device.createBuffer({ size: bytesPerRow * height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'head frame readback' });
  const image = context.createImageData(width, height);
  return {
    format: 'rgba8unorm', width, height,
    view: () => texture.createView(),
    afterPass: (encoder) => encoder.copyTextureToBuffer({ texture }, { buffer: readback, bytesPerRow }, [width, height]),
    present: async () => {
      await readback.mapAsync(GPUMapMode.READ);
      const rows = new Uint8Array(readback.getMappedRange());
      for (let y = 0; y < height; y++) image.data.set(rows.subarray(y * bytesPerRow, y * bytesPerRow + width * 4), y * width * 4);
      readback.unmap();
      context.putImageData(image, 0, 0);
    },
    dispose: () => {
      texture.destroy();
      readback.destroy();
    },
  };
}
