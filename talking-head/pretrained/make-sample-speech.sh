#!/usr/bin/env bash
# Makes talking-head/pretrained/sample-speech.wav, the built-in speech of `npm start` and the demo page: five
# consecutive LibriVox recordings of "Sense and Sensibility" (chapter 1, public domain) that Debian ships in
# pocketsphinx-testdata, joined into one 24.7 s, 16 kHz mono clip. Run once; the result is committed.
set -euo pipefail
cd "$(dirname "$0")"
src=/usr/share/pocketsphinx/test/data/librivox
[ -d "$src" ] || { echo "install Debian's pocketsphinx-testdata first (apt-get install pocketsphinx-testdata)" >&2; exit 1; }
sox "$src"/sense_and_sensibility_01_austen_64kb-08{70,80,90}.wav "$src"/sense_and_sensibility_01_austen_64kb-09{20,30}.wav \
  -r 16000 -c 1 -b 16 sample-speech.wav
soxi sample-speech.wav
