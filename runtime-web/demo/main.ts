// The demo page: wires the inputs (checkpoints, speech), the generation, the head view, the pose plot, the
// face-tracking panel, the personalise panel and the profile panel together. Each of those lives in its own module here; this file
// holds the page's state and the one rule that keeps it usable: work runs one task at a time (`task`), and a
// task that fails reports in plain words and leaves the page as it was.
//
// For tests, <body> carries data-state ('starting' | 'busy' | 'ready'), data-generation (generations done),
// data-frames, data-drawn ('<generation>:<frame>' last drawn), data-draws (frames drawn), data-errors (errors
// shown), data-video ('<method>|<bytes>' of the last video made) and data-glb (bytes of the last GLB).
//
// For page scripts, window.posedynDemo.onHeadFrame(callback) delivers each frame's head rotation, translation,
// mouth opening and expression weights on the audio clock during playback (runtime-web/head-frame-clock.ts).
import type { Engine } from '../../core/engine.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { FaceDecoder } from '../../talking-head/face/decode.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { headFrames, meanPose } from '../../talking-head/export/head-frames.ts';
import { talkingHeadGlb } from '../../talking-head/export/gltf-export.ts';
import { videoCameraPose } from '../../talking-head/render/camera.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { checkpointTranslationUnit, centimetresPerTranslationUnit, displayedPose, headMatrix, torsoMatrix } from '../../talking-head/render/head-placement.ts';
import { OffscreenFrame } from '../../talking-head/render/offscreen-frame.ts';
import { FACE_COEFFICIENTS } from '../../talking-head/face/face-model.ts';
import { tensor } from '../../core/creation.ts';
import { MODEL_SAMPLE_RATE, decodeAudio } from '../../talking-head/audio/decode.ts';
import { findIdentity } from '../../talking-head/inference/generate.ts';
import { type LoadedPgFace, type LoadedPoseGan, loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { createBrowserEngine } from '../device.ts';
import { type HeadFrameCallback, HeadFrameClock } from '../head-frame-clock.ts';
import { type Animation, animateSpeech, neutralFace } from './animate-speech.ts';
import { defaultCheckpoints, personalFace, sampleSpeech } from './default-inputs.ts';
import { type PageFile, acceptFiles } from './file-drop.ts';
import { choosePresentation, createFrameTarget } from './frame-target.ts';
import { HeadView, type HeadScene, PAGE_BACKGROUND } from './head-view.ts';
import { drawLanes } from './line-plot.ts';
import { OrbitCamera } from './orbit-camera.ts';
import { PageMessages } from './page-messages.ts';
import { PersonalisePanel } from './personalise-panel.ts';
import { TrackPanel } from './track-panel.ts';
import type { FaceTrack } from '../../talking-head/tracking/face-track.ts';
import { showProfile } from './profile-panel.ts';
import { SpeechPlayer } from './speech-player.ts';
import { type VideoFrames, hasWebCodecs, recordWithMediaRecorder, recordWithWebCodecs } from './video-recording.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  head: byId<HTMLCanvasElement>('head'),
  play: byId<HTMLButtonElement>('play'),
  time: byId<HTMLInputElement>('time'),
  timeLabel: byId<HTMLOutputElement>('time-label'),
  motionScale: byId<HTMLInputElement>('motion-scale'),
  motionScaleLabel: byId<HTMLOutputElement>('motion-scale-label'),
  stillHead: byId<HTMLInputElement>('still-head'),
  identity: byId<HTMLSelectElement>('identity'),
  posePlot: byId<HTMLCanvasElement>('pose-plot'),
  inputsDrop: byId<HTMLElement>('inputs-drop'),
  inputsFile: byId<HTMLInputElement>('inputs-file'),
  inputsSummary: byId<HTMLElement>('inputs-summary'),
  generate: byId<HTMLButtonElement>('generate'),
  profile: byId<HTMLElement>('profile-table'),
  downloadVideo: byId<HTMLButtonElement>('download-video'),
  downloadGlb: byId<HTMLButtonElement>('download-glb'),
  videoProgress: byId<HTMLProgressElement>('video-progress'),
  downloadLink: byId<HTMLAnchorElement>('download-link'),
};
const body = document.body.dataset;
const messages = new PageMessages(byId('status'), byId('error'), byId('error-text'), byId('error-dismiss'));
const player = new SpeechPlayer();
/** The head drawn: the default face model with eyes, mouth, the back of the head, neck and shoulders. */
const mesh = buildHeadMesh(defaultFaceModel());
const camera = new OrbitCamera(ui.head, videoCameraPose(mesh), () => (needsDraw = true));

let engine: Engine | null = null;
let decoder: FaceDecoder | null = null;
let view: HeadView | null = null;
let posegan: { file: PageFile; model: LoadedPoseGan } | null = null;
let pgface: { file: PageFile; model: LoadedPgFace } | null = null;
/** The server's shared PGFace while the face follows the identity (pretrained defaults, no PGFace dropped), else null. */
let sharedFace: PageFile | null = null;
let speech: { name: string; samples: Float32Array } | null = null;
/** What is drawn: a generation or a replayed face track, with its speech and the unit of its translations. */
let animation: Omit<Animation, 'vertices'> & { cmPerUnit: number; clock: HeadFrameClock; samples: Float32Array; translationUnit: string } | null = null;
/** Callbacks of page scripts (window.posedynDemo.onHeadFrame), moved to each new generation's clock. */
const headFrameCallbacks = new Set<HeadFrameCallback>();
let busy = false;
let needsDraw = true;
let generation = 0;

const tracking = new TrackPanel({
  drop: byId('video-drop'), picker: byId('video-file'), camera: byId('camera'), video: byId('track-video'), overlay: byId('track-overlay'),
  progress: byId('track-progress'), summary: byId('track-summary'), plot: byId('track-plot'), download: byId('track-download'),
}, {
  run: (doing, work) => task(doing, work),
  onTracked: (track, speechSamples, source) => showTracked(track, speechSamples, source),
});

const personalise = new PersonalisePanel({
  drop: byId('clips-drop'), picker: byId('clips-file'), summary: byId('clips-summary'), steps: byId('fine-tune-steps'),
  start: byId('fine-tune'), progress: byId('fine-tune-progress'), lossPlot: byId('loss-plot'), download: byId('download'), downloadFace: byId('download-face'),
}, {
  current: () => (engine && posegan && decoder
    ? { engine, posegan: posegan.file, pgface: pgface?.file ?? null, featureConfig: posegan.model.featureConfig, faceModel: decoder.model }
    : null),
  run: (doing, work) => task(doing, work),
  trackVideo: (file) => tracking.trackFile(file),
  onFineTuned: async (checkpoints) => {
    for (const checkpoint of checkpoints) useCheckpoint(checkpoint);
    // The person's own face network now, for every identity.
    if (checkpoints.some((c) => pgface?.file === c)) sharedFace = null;
    await generate();
  },
});

// ---------------------------------------------------------------- tasks

function setBusy(value: boolean): void {
  busy = value;
  body.state = value ? 'busy' : 'ready';
  const ready = !value && engine !== null;
  ui.generate.disabled = !ready || !posegan || !pgface || !speech;
  ui.play.disabled = !animation;
  ui.time.disabled = !animation;
  ui.downloadVideo.disabled = !ready || !animation;
  ui.downloadGlb.disabled = !ready || !animation;
  ui.identity.disabled = !ready || !posegan;
  personalise.setEnabled(ready && posegan !== null);
}

async function task(doing: string, work: () => Promise<void>): Promise<void> {
  if (busy) {
    messages.error(new Error('the page is still busy with the previous task; try again when it is done'), doing);
    return;
  }
  setBusy(true);
  messages.status(`${doing}…`);
  try {
    await work();
    messages.status(summary());
  } catch (error) {
    messages.error(error, doing);
    messages.status(summary());
  } finally {
    setBusy(false);
  }
}

function summary(): string {
  if (!engine) return 'No WebGPU: nothing can run here.';
  const models = posegan && pgface ? `${posegan.file.name} + ${pgface.file.name}` : 'models not loaded';
  const clip = animation ? `${animation.result.frames} frames at ${animation.result.fps} fps, identity ${animation.result.identity}` : 'nothing generated';
  return `${engine.info.adapter} · ${models} · ${speech?.name ?? 'no speech'} · ${clip}`;
}

// ---------------------------------------------------------------- inputs

/** Loads a checkpoint of either kind (told apart by its metadata) as the one in use. */
function useCheckpoint(file: PageFile): void {
  if (!engine) throw new Error('WebGPU is not available');
  const kind = decodeCheckpoint(file.bytes, file.name).meta.kind;
  if (kind === 'posegan') {
    const model = loadPoseGan(engine, file.bytes, file.name);
    posegan?.model.generator.dispose();
    posegan = { file, model };
    const chosen = findIdentity(model.checkpoint.meta, undefined, file.name).name;
    ui.identity.replaceChildren(...model.checkpoint.meta.identities.map((i) => new Option(i.name, i.name, i.name === chosen, i.name === chosen)));
  } else {
    const model = loadPgFace(engine, file.bytes, file.name);
    pgface?.model.model.dispose();
    pgface = { file, model };
  }
  ui.inputsSummary.textContent = `PoseGAN: ${posegan?.file.name ?? '—'}\nPGFace: ${pgface?.file.name ?? '—'}\nspeech: ${speech?.name ?? '—'}`;
}

function useSpeech(file: PageFile): void {
  speech = { name: file.name, samples: decodeAudio(file.bytes, file.name) };
  ui.inputsSummary.textContent = `PoseGAN: ${posegan?.file.name ?? '—'}\nPGFace: ${pgface?.file.name ?? '—'}\nspeech: ${speech.name}`;
}

/** Dropped or picked files: each is used by its type; a bad one is reported and the others still count. */
async function onInputFiles(files: PageFile[]): Promise<void> {
  await task(`Loading ${files.map((f) => f.name).join(', ')}`, async () => {
    let changed = false;
    const failures: string[] = [];
    for (const file of files) {
      try {
        const lower = file.name.toLowerCase();
        if (lower.endsWith('.wav')) useSpeech(file);
        else if (lower.endsWith('.safetensors')) {
          useCheckpoint(file);
          if (pgface?.file === file) sharedFace = null; // a face network of the user's own: keep it for every identity
        }
        else throw new Error(`${file.name} is neither speech (.wav) nor a checkpoint (.safetensors)`);
        changed = true;
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
        messages.error(error, `Loading ${file.name}`);
      }
    }
    if (changed && posegan && pgface && speech) await generate();
    if (failures.length && !changed) messages.status(summary());
  });
}

// ---------------------------------------------------------------- generation and drawing

async function generate(): Promise<void> {
  if (!engine || !decoder || !view || !posegan || !pgface || !speech) throw new Error('load both checkpoints and a speech file first');
  player.pause();
  ui.play.textContent = 'Play';
  const started = performance.now();
  await useIdentityFace();
  const identity = ui.identity.value || undefined;
  const made = await animateSpeech(engine, decoder, posegan.model, pgface.model, speech.samples, identity);
  view.setVertices(made.vertices);
  const translationUnit = checkpointTranslationUnit(posegan.model.checkpoint.meta.training, made.rest);
  const frames = headFrames({ ...made.result, translationUnit, rest: made.rest }, mesh.face);
  const clock = new HeadFrameClock(() => player.time, frames, made.result.face);
  for (const callback of headFrameCallbacks) clock.onFrame(callback);
  animation = { result: made.result, rest: made.rest, profile: made.profile, cmPerUnit: centimetresPerTranslationUnit(translationUnit), clock, samples: speech.samples, translationUnit };
  showProfile(ui.profile, made.profile, (performance.now() - started) / 1000);
  player.load(speech.samples, MODEL_SAMPLE_RATE);
  ui.time.max = String(player.duration);
  ui.time.value = '0';
  generation++;
  body.generation = String(generation);
  body.frames = String(made.result.frames);
  needsDraw = true;
}

/**
 * A face track replayed on the head: its poses (cm) and the faces its coefficients decode to, with its speech
 * (or silence) as the clock. The rest pose is the track's mean, so the head moves about the view's centre.
 */
async function showTracked(track: FaceTrack, speechSamples: Float32Array | null, source: string): Promise<void> {
  if (!engine || !decoder || !view) throw new Error('WebGPU is not available');
  player.pause();
  ui.play.textContent = 'Play';
  const vertices = engine.keep(engine.noGrad(() => engine!.tidy(() => decoder!.decode(tensor(engine!, track.face, [track.frames, FACE_COEFFICIENTS], 'tracked face')))));
  // The decode is recorded, not yet submitted: the renderer's own command buffer must find the vertices there.
  await engine.sync();
  view.setVertices(vertices);
  const rest = meanPose(track.pose);
  const result = { fps: track.fps, frames: track.frames, identity: `tracked: ${source}`, pose: track.pose, face: track.face };
  const clock = new HeadFrameClock(() => player.time, headFrames({ ...result, translationUnit: 'cm', rest }, mesh.face), track.face);
  for (const callback of headFrameCallbacks) clock.onFrame(callback);
  const samples = speechSamples ?? new Float32Array(Math.round((track.frames / track.fps) * MODEL_SAMPLE_RATE));
  animation = { result, rest, profile: '', cmPerUnit: centimetresPerTranslationUnit('cm'), clock, samples, translationUnit: 'cm' };
  player.load(samples, MODEL_SAMPLE_RATE);
  ui.time.max = String(player.duration);
  ui.time.value = '0';
  generation++;
  body.generation = String(generation);
  body.frames = String(track.frames);
  needsDraw = true;
}

function motionScale(): number {
  return ui.stillHead.checked ? 0 : Number(ui.motionScale.value);
}

function currentFrame(): number {
  if (!animation) return 0;
  return Math.min(animation.result.frames - 1, Math.max(0, Math.floor(player.time * animation.result.fps)));
}

let drawnFrame = -1;
let drawing = false;
/** The scene of frame `frame` seen by the page's camera, for a target of this aspect (width / height). */
function sceneOf(frame: number, aspect: number): HeadScene {
  const rest = animation?.rest ?? [0, 0, 0, 0, 0, 0];
  const pose = animation ? displayedPose(animation.result.pose, frame, rest, motionScale()) : rest;
  return {
    viewProjection: new Float32Array(camera.viewProjection(aspect)), eye: camera.eye(), frame: animation ? frame : 0,
    head: headMatrix(pose, rest, animation?.cmPerUnit ?? 1, mesh.cmPerUnit), torso: torsoMatrix(mesh.cmPerUnit),
  };
}

function drawFrame(): void {
  requestAnimationFrame(drawFrame);
  animation?.clock.tick();
  if (!view || drawing) return;
  const frame = currentFrame();
  if (!needsDraw && frame === drawnFrame) return;
  needsDraw = false;
  drawnFrame = frame;
  const drawnGeneration = generation;
  drawing = true;
  view.draw(sceneOf(frame, ui.head.width / ui.head.height)).then(
    () => {
      body.drawn = `${drawnGeneration}:${frame}`;
      body.draws = String(Number(body.draws ?? 0) + 1);
    },
    (error: unknown) => messages.error(error, 'Drawing the head'),
  ).finally(() => (drawing = false));
  if (!player.playing || document.activeElement !== ui.time) ui.time.value = String(player.time);
  ui.timeLabel.textContent = `${player.time.toFixed(2)} s`;
  drawPosePlot(frame);
}

function drawPosePlot(frame: number): void {
  if (!animation) return;
  const { pose, frames } = animation.result;
  const scale = motionScale();
  const channel = (k: number, factor: number) => Float32Array.from({ length: frames }, (_, f) => factor * (animation!.rest[k]! + scale * (pose[f * 6 + k]! - animation!.rest[k]!)));
  const degrees = 180 / Math.PI;
  drawLanes(ui.posePlot, [
    { label: 'pitch', color: '#d9480f', values: channel(0, degrees), unit: '°' },
    { label: 'yaw', color: '#2b8a3e', values: channel(1, degrees), unit: '°' },
    { label: 'roll', color: '#1c7ed6', values: channel(2, degrees), unit: '°' },
    { label: 'tx', color: '#ae3ec9', values: channel(3, 1), unit: '' },
    { label: 'ty', color: '#f08c00', values: channel(4, 1), unit: '' },
    { label: 'tz', color: '#495057', values: channel(5, 1), unit: '' },
  ], frames, frame);
}

// ---------------------------------------------------------------- downloads

function offerDownload(blob: Blob, filename: string): void {
  URL.revokeObjectURL(ui.downloadLink.href);
  ui.downloadLink.href = URL.createObjectURL(blob);
  ui.downloadLink.download = filename;
  ui.downloadLink.textContent = `${filename} (${(blob.size / 1024).toFixed(0)} KiB)`;
  ui.downloadLink.hidden = false;
  ui.downloadLink.click();
}

/** The talking head as it is drawn here (camera, motion scale), frame by frame offscreen, with the speech. */
async function makeVideo(): Promise<void> {
  if (!engine || !view || !animation) throw new Error('generate a talking head first');
  const { width, height } = ui.head;
  const offscreen = new OffscreenFrame(engine.device, width, height);
  const v = view;
  const frames: VideoFrames = {
    width, height, fps: animation.result.fps, samples: animation.samples, sampleRate: MODEL_SAMPLE_RATE,
    render: (f) => offscreen.render((encoder, target) => v.renderer.encode(encoder, target, [v.drawOf(sceneOf(f, width / height))], PAGE_BACKGROUND)),
  };
  const progress = (done: number, total: number) => {
    ui.videoProgress.value = done / total;
    messages.status(`Making the video… frame ${done} of ${total}`);
  };
  try {
    const forced = new URLSearchParams(location.search).get('video') === 'mediarecorder';
    const recording = (!forced && hasWebCodecs() ? await recordWithWebCodecs(frames, progress) : null) ?? await recordWithMediaRecorder(frames, progress);
    offerDownload(recording.blob, `talking-head-${animation.result.identity}.${recording.extension}`);
    body.video = `${recording.method}|${recording.blob.size}`;
  } finally {
    offscreen.dispose();
  }
}

async function makeGlb(): Promise<void> {
  if (!animation) throw new Error('generate a talking head first');
  const { result, rest, translationUnit } = animation;
  const bytes = await talkingHeadGlb({
    mesh, face: result.face, frames: headFrames({ ...result, translationUnit, rest }, mesh.face), name: result.identity, source: 'posedyn demo page',
  });
  offerDownload(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'model/gltf-binary' }), `talking-head-${result.identity}.glb`);
  body.glb = String(bytes.byteLength);
}

ui.downloadVideo.addEventListener('click', () => void task('Making the video', makeVideo));
ui.downloadGlb.addEventListener('click', () => void task('Making the GLB', makeGlb));

/** For page scripts: frames as data on the audio clock (runtime-web/head-frame-clock.ts). */
(window as unknown as { posedynDemo: unknown }).posedynDemo = {
  onHeadFrame(callback: HeadFrameCallback): () => void {
    headFrameCallbacks.add(callback);
    const stop = animation?.clock.onFrame(callback);
    return () => {
      headFrameCallbacks.delete(callback);
      stop?.();
    };
  },
  /** The current generation: fps, poses, face coefficients, rest pose and the per-frame data (HeadFrames). */
  current: () => (animation ? { result: animation.result, rest: animation.rest, frames: animation.clock.frames } : null),
};

// ---------------------------------------------------------------- controls

acceptFiles(ui.inputsDrop, ui.inputsFile, (files) => void onInputFiles(files));
ui.generate.addEventListener('click', () => void task('Generating', generate));
/** With the server's pretrained models: the PGFace personalised to the chosen identity, else the shared one. */
async function useIdentityFace(): Promise<void> {
  if (!sharedFace || !ui.identity.value) return;
  const file = (await personalFace(ui.identity.value)) ?? sharedFace;
  if (pgface?.file.name !== file.name) useCheckpoint(file);
}

ui.identity.addEventListener('change', () => void task(`Generating for identity ${ui.identity.value}`, generate));
ui.play.addEventListener('click', () => {
  if (player.playing) {
    player.pause();
    ui.play.textContent = 'Play';
    return;
  }
  player.play().then(() => (ui.play.textContent = 'Pause'), (error: unknown) => messages.error(error, 'Playing the speech'));
});
player.onEnded = () => (ui.play.textContent = 'Play');
ui.time.addEventListener('input', () => {
  player.seek(Number(ui.time.value));
  needsDraw = true;
});
ui.posePlot.addEventListener('click', (e) => {
  const rect = ui.posePlot.getBoundingClientRect();
  const left = (92 / ui.posePlot.width) * rect.width;
  player.seek(((e.clientX - rect.left - left) / (rect.width - left)) * player.duration);
  needsDraw = true;
});
const onMotionChange = () => {
  ui.motionScaleLabel.textContent = Number(ui.motionScale.value).toFixed(2);
  needsDraw = true;
};
ui.motionScale.addEventListener('input', onMotionChange);
ui.stillHead.addEventListener('change', onMotionChange);

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  try {
    engine = await createBrowserEngine({ log: (message) => console.info(message) });
  } catch (error) {
    messages.error(error, 'Starting WebGPU');
    messages.status(summary());
    setBusy(false);
    return;
  }
  engine.device.lost.then((info) => {
    if (info.reason !== 'destroyed') messages.error(new Error(`the GPU device was lost (${info.message}); reload the page`), 'Using the GPU');
  });
  await task('Starting: face model, checkpoints and the sample speech', async () => {
    decoder = new FaceDecoder(engine!, mesh.model);
    const target = createFrameTarget(engine!.device, ui.head, choosePresentation(engine!.info.isSoftwareAdapter, location.search));
    // SwiftShader rasterises on the CPU: 4x multisampling cut the page to 4.7 draws/s, 11 without (one busy run).
    view = new HeadView(engine!.device, target, mesh, engine!.info.isSoftwareAdapter ? 1 : 4);
    view.setVertices(neutralFace(engine!, decoder));
    requestAnimationFrame(drawFrame);
    const defaults = await defaultCheckpoints(engine!);
    useCheckpoint(defaults.posegan);
    useCheckpoint(defaults.pgface);
    if (!defaults.pretrained) {
      messages.status('The server has no pretrained checkpoints: using untrained (random) weights, so the motion is not learned');
    } else {
      sharedFace = defaults.pgface;
    }
    useSpeech(await sampleSpeech());
    await generate();
  });
}

void start();
