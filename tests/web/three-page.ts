// A three.js page that loads a posedyn GLB the way a web game would (GLTFLoader, AnimationMixer) and renders chosen
// moments of its animation on request: window.showAt(seconds). WebGL (SwiftShader when headless).
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';

interface Shown {
  readonly time: number;
  readonly morphTargets: number;
  readonly influences: number[];
  readonly quaternion: number[];
  readonly position: number[];
}

declare global {
  interface Window {
    showAt?: (seconds: number) => Shown;
    failure?: string;
  }
}

async function main(): Promise<void> {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setSize(400, 400);
  renderer.domElement.id = 'scene';
  document.body.style.margin = '0';
  document.body.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x28303c);
  scene.add(new THREE.HemisphereLight(0xdde4ff, 0x3a3028, 1.2));
  const key = new THREE.DirectionalLight(0xffffff, 2.2);
  key.position.set(0.6, 0.5, 1);
  scene.add(key);
  const gltf = await new GLTFLoader().loadAsync('head.glb');
  scene.add(gltf.scene);
  const head = gltf.scene.getObjectByName('head') as THREE.Mesh;
  // metres: a face is ~0.2 m tall; look at it from 0.8 m
  const camera = new THREE.PerspectiveCamera(22, 1, 0.05, 10);
  camera.position.set(0, 0.01, 0.8);
  camera.lookAt(0, 0.0, 0);
  const mixer = new THREE.AnimationMixer(gltf.scene);
  mixer.clipAction(gltf.animations[0]!).play();
  window.showAt = (seconds: number) => {
    mixer.setTime(seconds);
    renderer.render(scene, camera);
    return {
      time: seconds,
      morphTargets: head.morphTargetInfluences?.length ?? 0,
      influences: Array.from(head.morphTargetInfluences ?? []),
      quaternion: head.quaternion.toArray(),
      position: head.position.toArray(),
    };
  };
  document.body.dataset.ready = 'yes';
}

main().catch((error: unknown) => {
  window.failure = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
  document.body.dataset.ready = 'failed';
});
