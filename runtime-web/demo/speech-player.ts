// Plays the speech and is the clock of the animation: `time` is where playback is, in seconds. Seeking works
// while paused, so the head can be scrubbed without sound. The AudioContext is made on the first play (browsers
// only start audio after a user gesture).
export class SpeechPlayer {
  #context: AudioContext | null = null;
  #buffer: AudioBuffer | null = null;
  #samples = new Float32Array(0);
  #sampleRate = 16000;
  #source: AudioBufferSourceNode | null = null;
  /** Playback position when paused; when playing, the position at #startedAt. */
  #offset = 0;
  #startedAt = 0;
  onEnded: (() => void) | null = null;

  load(samples: Float32Array, sampleRate: number): void {
    this.pause();
    this.#samples = new Float32Array(samples);
    this.#sampleRate = sampleRate;
    this.#buffer = null;
    this.#offset = 0;
  }

  get duration(): number {
    return this.#samples.length / this.#sampleRate;
  }

  get playing(): boolean {
    return this.#source !== null;
  }

  get time(): number {
    if (!this.#source || !this.#context) return this.#offset;
    return Math.min(this.duration, this.#offset + this.#context.currentTime - this.#startedAt);
  }

  async play(): Promise<void> {
    if (this.playing || this.#samples.length === 0) return;
    const context = (this.#context ??= new AudioContext());
    await context.resume();
    if (!this.#buffer) {
      this.#buffer = context.createBuffer(1, this.#samples.length, this.#sampleRate);
      this.#buffer.copyToChannel(this.#samples, 0);
    }
    if (this.#offset >= this.duration) this.#offset = 0;
    const source = context.createBufferSource();
    source.buffer = this.#buffer;
    source.connect(context.destination);
    source.onended = () => {
      if (this.#source !== source) return;
      this.#offset = this.time;
      this.#source = null;
      this.onEnded?.();
    };
    this.#startedAt = context.currentTime;
    source.start(0, this.#offset);
    this.#source = source;
  }

  pause(): void {
    if (!this.#source) return;
    this.#offset = this.time;
    const source = this.#source;
    this.#source = null;
    source.stop();
  }

  seek(seconds: number): void {
    const wasPlaying = this.playing;
    this.pause();
    this.#offset = Math.min(Math.max(seconds, 0), this.duration);
    if (wasPlaying) void this.play();
  }
}
