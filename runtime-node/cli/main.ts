#!/usr/bin/env node
// The posedyn command line. Each subcommand lives in its own file; this one only wires them up.
import { basename } from 'node:path';
import { Command } from 'commander';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { readFileBytes } from '../files/read-file.ts';
import { runSelfCheck } from './selfcheck.ts';
import { runDemo } from '../generate/demo-command.ts';
import { runDatasetBuild } from '../dataset/build-command.ts';
import { runTrain } from '../training/train-command.ts';
import { runGenerate } from '../generate/generate-command.ts';
import { PRETRAINED } from '../files/pretrained.ts';
import { runProfile } from '../profile/profile-command.ts';
import { runFinetune } from '../training/finetune-command.ts';
import { registerServeCommand } from '../serve/serve-command.ts';
import { runBench } from '../bench/bench-command.ts';
import { runEval } from '../evaluation/eval-command.ts';
import { integerOption, jsonObjectOption, numberOption } from './options.ts';
import { runTrack } from '../tracking/track-command.ts';
import { runFitHeadFrame } from '../tracking/fit-head-frame-command.ts';
import { runFitFaceModel } from '../face/fit-face-model-command.ts';
import { FACE_MODEL_OPTION } from '../training/face-model-option.ts';
import { runExport } from '../export/export-command.ts';
import { runRender } from '../video/render-command.ts';
import { parseBackground } from '../video/render-video.ts';
import { VIDEO_DEFAULTS } from '../video/video-output.ts';

const program = new Command()
  .name('posedyn')
  .description('WebGPU engine and PoseGAN/PGFace talking-head models (Zhang et al., 3D Talking Face with Personalized Pose Dynamics)')
  .showHelpAfterError();

program
  .command('demo')
  .description('the talking-head demo on built-in defaults: pretrained PoseGAN + PGFace on the built-in speech sample')
  .option('--out <dir>', 'output folder', 'out/demo')
  .option('--identity <name>', 'whose rest pose and style (default: the first in the checkpoint)')
  .action(async (options: { out: string; identity?: string }) => {
    await runDemo(options);
  });

program
  .command('selfcheck')
  .description('print the WebGPU adapter and train a tiny conv1d network on a synthetic sequence task')
  .option('--steps <n>', 'training steps', '300')
  .option('--seed <n>', 'random seed', '1')
  .action(async (options: { steps: string; seed: string }) => {
    await runSelfCheck({ steps: integerOption(options.steps, '--steps'), seed: integerOption(options.seed, '--seed') });
  });

program
  .command('track')
  .description('talking-head video -> <out>/track.json (30 fps: head pose, 468 landmarks, mouth opening, face coefficients a frame) and <out>/speech.wav: ffmpeg decodes, MediaPipe Face Mesh tracks in headless Chromium')
  .requiredOption('--video <file>', 'the video (mp4, webm, mov, ...: anything ffmpeg reads; any frame rate)')
  .option('--out <dir>', 'output folder', 'out/track')
  .option('--no-progress', 'no progress bar')
  .action(async (options: { video: string; out: string; progress: boolean }) => {
    await runTrack({ video: options.video, out: options.out, progress: options.progress });
  });

program
  .command('fit-head-frame')
  .description("the tracker's head-frame readout (Deep3DFaceRecon's head frame for MediaPipe's mesh) from clips with Deep3DFaceRecon coefficients and their videos: training split only, lambda and sigma by leave-one-identity-out")
  .requiredOption('--data <dir>', 'folder of <stem>.mat (Deep3DFaceRecon coeff) + <stem>.wav clips')
  .requiredOption('--videos <dir>', 'folder of the same clips as videos, <stem>.mp4 (video frame k + offset = coefficient row k)')
  .option('--tracks <dir>', "cache of MediaPipe's tracked frames, <stem>.frames.f32 (read where present, else tracked and written)", 'out/head-frame/tracks')
  .option('--out <file>', 'the readout file to write', 'talking-head/tracking/head-frame-pose.json')
  .action(async (options: { data: string; videos: string; tracks: string; out: string }) => {
    await runFitHeadFrame(options);
  });

program
  .command('fit-face-model')
  .description('fit the default face model (a 3DMM on MediaPipe\'s mesh with Deep3DFaceRecon\'s 80 + 64 coefficients) to the landmarks tracked in the clips\' videos and the clips\' coefficients; writes the file the project ships unless --out')
  .requiredOption('--data <dir>', 'clips with Deep3DFaceRecon coefficients: <stem>.mat + <stem>.wav (e.g. the styletalk samples)')
  .requiredOption('--videos <dir>', 'the same clips\' videos, <stem>.mp4 (video frame k + offset = .mat row k, offset = extra video frames)')
  .option('--tracks <dir>', 'keep the videos\' tracks here (<dir>/<stem>/track.json, as posedyn track writes them) and read them on the next run', 'out/face-fit/tracks')
  .option('--out <file>', 'the model file to write (default: talking-head/face/fitted/fitted-face-model.json)')
  .option('--no-progress', 'no progress bar')
  .action(async (options: { data: string; videos: string; tracks: string; out?: string; progress: boolean }) => {
    await runFitFaceModel({ ...options, command: `posedyn ${process.argv.slice(2).join(' ')}` });
  });

program
  .command('dataset')
  .description('datasets for training and evaluation')
  .command('build')
  .description('clip folder (<stem>.wav + <stem>.mat or .csv, or talking-head videos <stem>.mp4 with sound, tracked as `posedyn track` does) -> dataset folder: features, smoothed poses, 7:1:2 splits, windows, train statistics')
  .requiredOption('--data <dir>', 'folder of clips (e.g. the styletalk set of the shared data folder)')
  .option('--out <dir>', 'dataset folder to write', 'out/dataset')
  .option('--sigma <frames>', 'Eq. (1) Gaussian sigma in frames (default 1)')
  .option('--half-window <frames>', 'Eq. (1) half-window m in frames (default ceil(3 sigma))')
  .action(async (options: { data: string; out: string; sigma?: string; halfWindow?: string }) => {
    const sigma = options.sigma === undefined ? undefined : numberOption(options.sigma, '--sigma');
    const halfWindow = options.halfWindow === undefined ? undefined : integerOption(options.halfWindow, '--half-window');
    await runDatasetBuild({ data: options.data, out: options.out, sigma, halfWindow });
  });

program
  .command('train')
  .description('train PoseGAN or PGFace on a dataset folder (Adam, validation every epoch, best checkpoint kept)')
  .argument('<model>', 'posegan or pgface')
  .option('--dataset <dir>', 'dataset folder from `posedyn dataset build`', 'out/dataset')
  .option('--out <dir>', 'output folder for checkpoints, log and curves')
  .option('--epochs <n>', 'epochs (paper: 50)', '50')
  .option('--batch <n>', 'batch size (paper: 64)', '64')
  .option('--lr <rate>', 'Adam learning rate (paper: 1e-4)', '1e-4')
  .option('--seed <n>', 'seed for initialisation and shuffling', '1')
  .option('--variant <name>', 'posegan | cnn (L_L2 only) for PoseGAN; pgface | fixed-identity for PGFace')
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (PGFace's vertex loss (Eq. 7-8))`, FACE_MODEL_OPTION.default)
  .option('--resume', 'continue the run in <out> from its last.safetensors (the settings and dataset must match)', false)
  .option('--overwrite', 'start a new run in <out> even though it holds one (replaces its checkpoints and log)', false)
  .option('--init-from <checkpoint>', 'start from the parameters of this checkpoint')
  .option('--max-steps-per-epoch <n>', 'cap on steps an epoch (quick runs)')
  .option('--config <json>', 'model config overrides as JSON, e.g. \'{"unetChannels":[32,64,96]}\' (see talking-head/{posegan,pgface}/config.ts)')
  .option('--note <text>', "free text the checkpoints record (training.note), e.g. where the run deviates from the paper's recipe and why")
  .option('--keep-epochs', "keep every epoch's parameters in <out>/epochs/ (to compare rules of \"best on validation\" afterwards)", false)
  .option('--no-progress', 'no progress bar')
  .action(async (model: string, options: Record<string, string | boolean | undefined>) => {
    if (model !== 'posegan' && model !== 'pgface') throw new Error(`train: model must be 'posegan' or 'pgface', got '${model}'`);
    await runTrain({
      kind: model,
      dataset: options.dataset as string,
      out: (options.out as string | undefined) ?? `out/${model}`,
      epochs: integerOption(options.epochs as string, '--epochs'),
      batch: integerOption(options.batch as string, '--batch'),
      lr: numberOption(options.lr as string, '--lr'),
      seed: integerOption(options.seed as string, '--seed'),
      resume: options.resume === true,
      overwrite: options.overwrite === true,
      variant: options.variant as string | undefined,
      faceModel: options.faceModel as string,
      initFrom: options.initFrom as string | undefined,
      maxStepsPerEpoch: options.maxStepsPerEpoch === undefined ? undefined : integerOption(options.maxStepsPerEpoch as string, '--max-steps-per-epoch'),
      progress: options.progress !== false,
      modelOverrides: options.config === undefined ? undefined : jsonObjectOption(options.config as string, '--config'),
      producedBy: `posedyn ${process.argv.slice(2).join(' ')}`,
      note: options.note as string | undefined,
      keepEpochs: options.keepEpochs === true,
    });
  });

program
  .command('finetune')
  .description("personalise a pretrained PoseGAN or PGFace on a new person's clips (paper Sec. 5.1: 20 epochs, batch 16)")
  .requiredOption('--from <checkpoint>', 'pretrained checkpoint (posegan or pgface)')
  .option('--data <dir>', "folder of the person's clips (<stem>.wav + <stem>.mat or OpenFace .csv, or talking-head videos with sound)")
  .option('--dataset <dir>', 'instead of --data: a dataset folder already built (posedyn dataset build)')
  .option('--identity <name>', 'with --dataset: the person in it to personalise to')
  .option('--no-recentre', "PGFace: do not re-centre the output on the person's frames before fine-tuning")
  .option('--out <dir>', 'output folder', 'out/finetune')
  .option('--epochs <n>', 'epochs (paper: 20)', '20')
  .option('--batch <n>', 'batch size (paper: 16)', '16')
  .option('--lr <rate>', 'Adam learning rate', '1e-4')
  .option('--seed <n>', 'seed for shuffling', '1')
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (the personalised PGFace's vertex loss)`, FACE_MODEL_OPTION.default)
  .option('--resume', 'continue the fine-tune in <out> from its last.safetensors (the settings and data must match)', false)
  .option('--overwrite', 'start a new fine-tune in <out> even though it holds one (replaces its checkpoints and log)', false)
  .option('--no-progress', 'no progress bar')
  .action(async (options: Record<string, string | boolean>) => {
    await runFinetune({
      from: options.from as string, data: options.data as string | undefined, dataset: options.dataset as string | undefined,
      identity: options.identity as string | undefined, recentre: options.recentre !== false, out: options.out as string,
      epochs: integerOption(options.epochs as string, '--epochs'), batch: integerOption(options.batch as string, '--batch'),
      lr: numberOption(options.lr as string, '--lr'), seed: integerOption(options.seed as string, '--seed'),
      resume: options.resume === true, overwrite: options.overwrite === true,
      faceModel: options.faceModel as string, progress: options.progress !== false, producedBy: `posedyn ${process.argv.slice(2).join(' ')}`,
    });
  });

program
  .command('eval')
  .description("the paper's evaluation (Tables 1-4, lip motion, ablations, personalisation) on a dataset's test split: report.md, report.json, PNG figures")
  .option('--dataset <dir>', 'dataset folder from `posedyn dataset build`', 'out/dataset')
  .option('--out <dir>', 'output folder', 'out/eval')
  .option('--quick', 'tiny networks, a few steps (CI smoke run); the report says so', false)
  .option('--data <dir>', 'the clip folder the dataset was built from (enables the leave-one-identity-out personalisation)')
  .option('--holdout <identity>', 'identity held out for personalisation (default: the one maximising min(its training windows, the rest))')
  .option('--posegan <checkpoint>', 'use this PoseGAN instead of training one')
  .option('--cnn <checkpoint>', 'use this CNN baseline (PoseGAN --variant cnn) instead of training one')
  .option('--posegan-no-motion <checkpoint>', 'use this beta = 0 PoseGAN for the motion-loss ablation')
  .option('--pgface <checkpoint>', 'use this PGFace instead of training one')
  .option('--fixed-identity <checkpoint>', 'use this fixed-identity PGFace instead of training one')
  .option('--personal-face <dir>', "personalised face networks <dir>/<identity>/{pgface,fixed-identity}.safetensors (e.g. talking-head/pretrained/personal) instead of fine-tuning them here")
  .option('--personal-posegan <dir>', 'personalised PoseGANs <dir>/<identity>/posegan.safetensors (e.g. talking-head/pretrained/personal) instead of fine-tuning them here')
  .option('--speech <files...>', 'unseen speech (WAV) for the motion-realism section, e.g. talking-head/pretrained/sample-speech.wav')
  .option('--seeds <n>', 'training seeds of PoseGAN and the CNN (intervals over seeds)')
  .option('--epochs <n>', 'PoseGAN epochs (default 50; quick 2)')
  .option('--batch <n>', 'batch size (default 64; quick 8)')
  .option('--lr <rate>', 'Adam learning rate (default 1e-4; quick 1e-3)')
  .option('--max-steps-per-epoch <n>', 'cap on PoseGAN steps an epoch')
  .option('--config <json>', 'PoseGAN config overrides for every PoseGAN trained here (see talking-head/posegan/config.ts)')
  .option('--pgface-epochs <n>', 'PGFace epochs (default 50; quick 1)')
  .option('--pgface-max-steps-per-epoch <n>', 'cap on PGFace steps an epoch')
  .option('--pgface-config <json>', 'PGFace config overrides (see talking-head/pgface/config.ts)')
  .option('--finetune-epochs <n>', 'personalisation fine-tuning epochs (paper: 20; quick 2)')
  .option('--finetune-batch <n>', 'personalisation fine-tuning batch (paper: 16)')
  .option('--finetune-lr <rate>', 'personalisation fine-tuning learning rate (default: --lr)')
  .option('--classifier-steps <n>', 'training steps of the head-pose classifier (default 600; quick 60)')
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (Table 3's vertices and the lip-motion row)`, FACE_MODEL_OPTION.default)
  .option('--reuse-trained', 'reuse <out>/models/*/best.safetensors from an earlier run instead of retraining', false)
  .action(async (options: Record<string, string | boolean | undefined>) => {
    const int = (name: string, flag: Parameters<typeof integerOption>[1]) => (options[name] === undefined ? undefined : integerOption(options[name] as string, flag));
    const num = (name: string, flag: Parameters<typeof numberOption>[1]) => (options[name] === undefined ? undefined : numberOption(options[name] as string, flag));
    const json = (name: string, flag: string) => (options[name] === undefined ? undefined : jsonObjectOption(options[name] as string, flag));
    await runEval({
      dataset: options.dataset as string,
      out: options.out as string,
      quick: options.quick === true,
      data: options.data as string | undefined,
      holdout: options.holdout as string | undefined,
      checkpoints: {
        posegan: options.posegan as string | undefined, cnn: options.cnn as string | undefined, noMotion: options.poseganNoMotion as string | undefined,
        pgface: options.pgface as string | undefined, fixedIdentity: options.fixedIdentity as string | undefined,
        personalFace: options.personalFace as string | undefined,
        personalPosegan: options.personalPosegan as string | undefined,
      },
      speech: await Promise.all(((options.speech as unknown as string[] | undefined) ?? []).map(async (file) => ({ name: basename(file), samples: decodeAudio(await readFileBytes(file), file) }))),
      seeds: int('seeds', '--seeds'),
      epochs: int('epochs', '--epochs'),
      batch: int('batch', '--batch'),
      lr: num('lr', '--lr'),
      maxStepsPerEpoch: int('maxStepsPerEpoch', '--max-steps-per-epoch'),
      poseganConfig: json('config', '--config'),
      pgfaceEpochs: int('pgfaceEpochs', '--pgface-epochs'),
      pgfaceMaxStepsPerEpoch: int('pgfaceMaxStepsPerEpoch', '--pgface-max-steps-per-epoch'),
      pgfaceConfig: json('pgfaceConfig', '--pgface-config'),
      finetuneEpochs: int('finetuneEpochs', '--finetune-epochs'),
      finetuneBatch: int('finetuneBatch', '--finetune-batch'),
      finetuneLr: num('finetuneLr', '--finetune-lr'),
      classifierSteps: int('classifierSteps', '--classifier-steps'),
      faceModel: options.faceModel as string,
      reuseTrained: options.reuseTrained === true,
      command: `posedyn ${process.argv.slice(2).map(shellQuote).join(' ')}`,
    });
  });

program
  .command('generate')
  .description('speech -> head poses (PoseGAN) and face coefficients (PGFace): <out>/result.json and an OBJ of one frame; with --video an MP4, with --glb a GLB')
  .requiredOption('--audio <file>', 'speech (WAV, any rate and channel count)')
  .option('--out <dir>', 'output folder', 'out/generate')
  .option('--checkpoint <file>', 'PoseGAN checkpoint (default: the shipped one personalised to --identity if there is one, else the shipped pretrained PoseGAN)')
  .option('--face-checkpoint <file>', 'PGFace checkpoint (default: the shipped one personalised to --identity if there is one, else the shipped pretrained PGFace)')
  .option('--identity <name>', "whose rest pose starts the sequence (default: the checkpoint's first identity)")
  .option('--motion-scale <s>', 'scale head motion about the rest pose; 0 = still head', '1')
  .option('--smooth <sigma>', 'Gaussian smoothing of the generated poses (Eq. 1), sigma in frames; 0 = none', '0')
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (OBJ, mouth opening, video, GLB)`, FACE_MODEL_OPTION.default)
  .option('--video <file>', 'also write an MP4 of the talking head with the speech (H.264 + AAC, 30 fps)')
  .option('--glb <file>', 'also write a GLB of the head and its animation (see docs/output-format.md)')
  .option('--compare <file>', 'with --video: draw the real head of this .mat or track.json beside the generated one')
  .option('--width <px>', `video width (default ${VIDEO_DEFAULTS.size} a head)`)
  .option('--height <px>', `video height (default ${VIDEO_DEFAULTS.size})`)
  .option('--background <#rrggbb>', 'video background colour', VIDEO_DEFAULTS.background)
  .option('--no-progress', 'no progress bar')
  .action(async (options: Record<string, string | boolean | undefined>) => {
    const text = (name: string) => options[name] as string | undefined;
    if (text('compare') !== undefined && text('video') === undefined) throw new Error('--compare draws beside the generated head in a video: give --video FILE too');
    await runGenerate({
      audio: text('audio')!, out: text('out')!, checkpoint: text('checkpoint'), faceCheckpoint: text('faceCheckpoint'),
      identity: text('identity'), motionScale: numberOption(text('motionScale')!, '--motion-scale'),
      smooth: numberOption(text('smooth')!, '--smooth'), faceModel: text('faceModel')!, glb: text('glb'),
      video: text('video') === undefined ? undefined : videoRequest(options),
    });
  });

program
  .command('render')
  .description('the talking head of a result.json, track.json or Deep3DFaceRecon .mat as an MP4 with its speech (H.264 + AAC, 30 fps)')
  .requiredOption('--from <file>', 'result.json (posedyn generate), track.json (posedyn track) or a .mat of Deep3DFaceRecon coefficients')
  .requiredOption('--video <file>', 'the MP4 to write')
  .option('--audio <file>', "the speech (default: the file's own, or <name>.wav beside it)")
  .option('--compare <file>', 'draw the head of this .mat or track.json beside it')
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (the video)`, FACE_MODEL_OPTION.default)
  .option('--width <px>', `video width (default ${VIDEO_DEFAULTS.size} a head)`)
  .option('--height <px>', `video height (default ${VIDEO_DEFAULTS.size})`)
  .option('--background <#rrggbb>', 'background colour', VIDEO_DEFAULTS.background)
  .option('--no-progress', 'no progress bar')
  .action(async (options: Record<string, string | boolean | undefined>) => {
    await runRender({ from: options.from as string, audio: options.audio as string | undefined, faceModel: options.faceModel as string, ...videoRequest(options) });
  });

program
  .command('export')
  .description('the head and its motion as a GLB for game engines: neutral face, 64 expression morph targets, a 30 fps animation of the morph weights and the head pose')
  .requiredOption('--from <file>', 'result.json (posedyn generate), track.json (posedyn track) or a .mat of Deep3DFaceRecon coefficients')
  .requiredOption('--glb <file>', 'the GLB to write')
  .option('--identity <name>', "name the person and draw the translation relative to that identity's rest pose in --checkpoint (default: the file's own rest pose, else its mean pose)")
  .option('--checkpoint <file>', 'PoseGAN checkpoint holding the identities (for --identity)', PRETRAINED.posegan)
  .option('--face-model <source>', `${FACE_MODEL_OPTION.help} (the GLB)`, FACE_MODEL_OPTION.default)
  .action(async (options: Record<string, string | undefined>) => {
    await runExport({ from: options.from!, glb: options.glb!, identity: options.identity, checkpoint: options.checkpoint!, faceModel: options.faceModel! });
  });

program
  .command('profile')
  .description('time every kernel of a real training step or generation on the GPU; per-kernel table and Chrome trace')
  .argument('<target>', 'train-step or generate')
  .option('--model <name>', 'posegan or pgface (train-step)', 'posegan')
  .option('--batch <n>', 'batch size (train-step)', '64')
  .option('--seconds <s>', 'audio length (generate)', '60')
  .option('--trace <file>', 'write a Chrome trace JSON here')
  .option('--kernel <family=variant...>', 'run this variant of a kernel family (e.g. conv1d.forward=register); default: measured per shape class')
  .option('--choices <file>', 'start from the kernel choices in this file (written by --save-choices on the same adapter)')
  .option('--save-choices <file>', "write this run's measured kernel choices (one set per adapter) here")
  .action(async (target: string, options: Record<string, string> & { kernel?: string[] }) => {
    if (target !== 'train-step' && target !== 'generate') throw new Error(`profile: target must be 'train-step' or 'generate', got '${target}'`);
    const model = options.model;
    if (model !== 'posegan' && model !== 'pgface') throw new Error(`--model must be posegan or pgface, got '${model}'`);
    const forced = (options.kernel ?? []).map((pair) => {
      const [family, variant] = pair.split('=');
      if (!family || !variant) throw new Error(`--kernel: expected family=variant (e.g. conv1d.forward=register), got '${pair}'`);
      return [family, variant] as [string, string];
    });
    await runProfile({ target, model, batch: integerOption(options.batch!, '--batch'), seconds: numberOption(options.seconds!, '--seconds'), trace: options.trace, forced, choices: options.choices, saveChoices: options.saveChoices });
  });

program
  .command('bench')
  .description('benchmarks: kernels, TF.js/PyTorch peers, PoseGAN/PGFace training steps and generation; table of ratios to the measured peak and to the peers')
  .option('--json <file>', 'also write the report as JSON (atomically)')
  .option('--quick', 'tiny sizes, one repeat: checks that everything runs; the times mean nothing', false)
  .option('--no-peers', 'posedyn only')
  .option('--suite <name...>', 'only these suites: kernels, peers, end-to-end')
  .action(async (options: { json?: string; quick: boolean; peers: boolean; suite?: string[] }) => {
    await runBench({ json: options.json, quick: options.quick, peers: options.peers, suites: options.suite });
    // dawn.node keeps the process alive while the device lives.
    process.exit(0);
  });

/** The video options shared by generate and render. */
function videoRequest(options: Record<string, string | boolean | undefined>) {
  const size = (name: string, flag: string) => {
    const value = options[name] as string | undefined;
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 16 || n > 4096 || n % 2 !== 0) throw new Error(`${flag} expects an even number of pixels from 16 to 4096 (H.264 needs even sizes), got '${value}'`);
    return n;
  };
  parseBackground(options.background as string);
  return {
    video: options.video as string, width: size('width', '--width'), height: size('height', '--height'),
    background: options.background as string, compare: options.compare as string | undefined, progress: options.progress !== false,
  };
}

/** An argument as a POSIX shell would need it typed (single-quoted unless plainly safe). */
function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_./=:,@+-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}

registerServeCommand(program);

/**
 * One line on stderr and exit status 1 for every error, without a stack trace: the messages name the file, the
 * field or the option and what was expected. POSEDYN_DEBUG=1 adds the stack (for bug reports).
 */
function reportError(error: unknown): void {
  const debug = process.env.POSEDYN_DEBUG === '1' && error instanceof Error && error.stack;
  process.stderr.write(`posedyn: ${debug || (error instanceof Error ? error.message : String(error))}\n`);
  process.exitCode = 1;
}

// A promise nobody awaited (a file write in a callback) must not end the process with Node's stack dump either.
process.on('unhandledRejection', (error) => {
  reportError(error);
  process.exit(1);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
}
