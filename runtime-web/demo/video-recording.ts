// "Download video" in the page: the talking head as a video file with its speech, made in the browser.
//
//   WebCodecs (preferred): every frame is rendered offscreen by the shared head renderer and read back
//     (faster than real time), encoded with VideoEncoder/AudioEncoder and muxed by mediabunny: MP4 with H.264
//     and AAC where the browser encodes AAC (Chromium on Linux does not: then Opus in the MP4), else WebM
//     (VP9/VP8 + Opus).
//   MediaRecorder (where WebCodecs is missing): the frames are drawn into a canvas on the audio clock while the
//     speech plays, and the canvas and the audio are recorded together: real time, the browser's own format.
// The frame count is round(duration * fps), as posedyn render's (runtime-node/video/render-video.ts).
import {
  AudioSample, AudioSampleSource, BufferTarget, Mp4OutputFormat, Output, QUALITY_HIGH, VideoSample, VideoSampleSource, WebMOutputFormat,
  getFirstEncodableAudioCodec, getFirstEncodableVideoCodec,
} from 'mediabunny';
import { resample } from '../../talking-head/audio/resample.ts';

export interface VideoFrames {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** mono speech */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** RGBA pixels of video frame f (top row first) */
  render(frame: number): Promise<Uint8Array>;
}

export interface Recording {
  readonly blob: Blob;
  /** 'mp4' or 'webm' */
  readonly extension: string;
  /** e.g. 'WebCodecs avc + opus' */
  readonly method: string;
}

/** Opus encodes at 48 kHz; AAC at the same rate keeps one path. */
const AUDIO_RATE = 48000;

export function frameCount(video: Pick<VideoFrames, 'fps' | 'samples' | 'sampleRate'>): number {
  return Math.max(1, Math.round((video.samples.length / video.sampleRate) * video.fps));
}

export function hasWebCodecs(): boolean {
  return typeof VideoEncoder !== 'undefined' && typeof AudioEncoder !== 'undefined' && typeof VideoFrame !== 'undefined';
}

/** Null when this browser can encode none of the codecs (the caller falls back to MediaRecorder). */
export async function recordWithWebCodecs(video: VideoFrames, onProgress: (done: number, total: number) => void): Promise<Recording | null> {
  const { width, height, fps } = video;
  const audioOptions = { numberOfChannels: 1, sampleRate: AUDIO_RATE, quality: QUALITY_HIGH };
  const formats = [
    { format: new Mp4OutputFormat({ fastStart: 'in-memory' }), extension: 'mp4', videoCodecs: ['avc', 'vp9', 'av1'] as const, audioCodecs: ['aac', 'opus'] as const },
    { format: new WebMOutputFormat(), extension: 'webm', videoCodecs: ['vp9', 'vp8', 'av1'] as const, audioCodecs: ['opus'] as const },
  ];
  for (const { format, extension, videoCodecs, audioCodecs } of formats) {
    const videoCodec = await getFirstEncodableVideoCodec([...videoCodecs], { width, height, quality: QUALITY_HIGH });
    const audioCodec = await getFirstEncodableAudioCodec([...audioCodecs], audioOptions);
    if (!videoCodec || !audioCodec) continue;
    const target = new BufferTarget();
    const output = new Output({ format, target });
    const videoSource = new VideoSampleSource({ codec: videoCodec, quality: QUALITY_HIGH, keyFrameInterval: 2 });
    const audioSource = new AudioSampleSource({ codec: audioCodec, quality: QUALITY_HIGH });
    output.addVideoTrack(videoSource, { frameRate: fps });
    output.addAudioTrack(audioSource);
    await output.start();
    try {
      const total = frameCount(video);
      for (let f = 0; f < total; f++) {
        const pixels = await video.render(f);
        const sample = new VideoSample(pixels, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: f / fps, duration: 1 / fps });
        await videoSource.add(sample);
        sample.close();
        onProgress(f + 1, total);
      }
      const audio = new AudioSample({ data: resample(video.samples, video.sampleRate, AUDIO_RATE), format: 'f32', numberOfChannels: 1, sampleRate: AUDIO_RATE, timestamp: 0 });
      await audioSource.add(audio);
      audio.close();
      await output.finalize();
    } catch (error) {
      await output.cancel();
      throw error;
    }
    const mimeType = await output.getMimeType();
    return { blob: new Blob([target.buffer!], { type: mimeType }), extension, method: `WebCodecs ${videoCodec} + ${audioCodec}` };
  }
  return null;
}

/** Real-time fallback: the frames drawn on the audio clock into a canvas, recorded with the speech. */
export async function recordWithMediaRecorder(video: VideoFrames, onProgress: (done: number, total: number) => void): Promise<Recording> {
  if (typeof MediaRecorder === 'undefined') throw new Error('this browser has neither WebCodecs nor MediaRecorder: it cannot make a video');
  const canvas = document.createElement('canvas');
  canvas.width = video.width;
  canvas.height = video.height;
  const context2d = canvas.getContext('2d');
  if (!context2d) throw new Error('the browser gave no 2D canvas to record the video from');
  const image = context2d.createImageData(video.width, video.height);
  const draw = async (f: number) => {
    image.data.set(await video.render(f));
    context2d.putImageData(image, 0, 0);
  };
  await draw(0);
  const audio = new AudioContext({ sampleRate: video.sampleRate });
  const buffer = audio.createBuffer(1, video.samples.length, video.sampleRate);
  buffer.copyToChannel(new Float32Array(video.samples), 0);
  const source = audio.createBufferSource();
  source.buffer = buffer;
  const destination = audio.createMediaStreamDestination();
  source.connect(destination);
  const stream = new MediaStream([...canvas.captureStream(video.fps).getVideoTracks(), ...destination.stream.getAudioTracks()]);
  const mimeType = ['video/mp4;codecs=avc1,mp4a.40.2', 'video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
  await audio.resume();
  recorder.start();
  const started = audio.currentTime;
  source.start();
  const total = frameCount(video);
  for (let last = 0; ;) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const f = Math.floor((audio.currentTime - started) * video.fps);
    if (f >= total) break;
    if (f > last) {
      last = f;
      await draw(f);
      onProgress(f + 1, total);
    }
  }
  recorder.stop();
  await stopped;
  await audio.close();
  const type = recorder.mimeType || mimeType || 'video/webm';
  return { blob: new Blob(chunks, { type }), extension: type.includes('mp4') ? 'mp4' : 'webm', method: `MediaRecorder ${type}` };
}
