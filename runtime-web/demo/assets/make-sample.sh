#!/bin/sh
# Makes sample.wav, the demo page's built-in speech: espeak-ng reading the opening of Lincoln's Gettysburg
# Address (1863, public domain), as 16 kHz mono 16-bit PCM. Rerun only to change the sample:
#   sh runtime-web/demo/assets/make-sample.sh
set -eu
here=$(dirname "$0")
text='Four score and seven years ago our fathers brought forth on this continent a new nation, conceived in liberty.'
tmp=$(mktemp --suffix=.wav)
trap 'rm -f "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp" "$text"
sox "$tmp" -c 1 -r 16000 -b 16 "$here/sample.wav"
soxi "$here/sample.wav"
