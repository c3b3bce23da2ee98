#!/usr/bin/env bash
# run.sh SECONDS — fuzzes the model loader for SECONDS (default 600).
#
# Expects build/fuzz/fuzz_model (make build/fuzz/fuzz_model: clang with
# -fsanitize=fuzzer,address,undefined). Seeds are the tiny builder models
# (written by tests/fuzz/make_corpus.c, compiled here: it needs no engine)
# plus person_detect and the LSTM from shared/ and the face model. New inputs are kept in
# build/fuzz/corpus, crashing ones in build/fuzz/artifacts. Exits non-zero
# when the fuzzer found a crash, leak, timeout or out-of-memory.
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-600}
fuzzer=build/fuzz/fuzz_model
shared=${EDGEINFER_SHARED:-../shared}
seeds=build/fuzz/seeds
corpus=build/fuzz/corpus
artifacts=build/fuzz/artifacts
log=build/fuzz/fuzz.log

if [ ! -x "$fuzzer" ]; then
  echo "fuzz: $fuzzer is missing; build it with: make build/fuzz/fuzz_model" >&2
  exit 2
fi
mkdir -p "$seeds" "$corpus" "$artifacts"

${CC:-cc} -std=c11 -O1 -Isrc -Itests/c -o build/fuzz/make_corpus tests/fuzz/make_corpus.c \
  tests/c/tiny_models.c tests/c/tflite_builder.c tests/c/fb_writer.c || exit 2
build/fuzz/make_corpus "$seeds" || exit 2
# Real models as seeds: an int8 CNN, the int8 LSTM, and the float16-weight face model
# (made by `make models`; optional).
for seed in "$shared/refdata/tflm/person_detection/person_detect.tflite" \
            "$shared/refdata/models/keras_lstm_mnist_ptq.tflite" \
            build/models/face_detection_short_range.tflite; do
  if [ -f "$seed" ]; then
    cp "$seed" "$seeds/"
  else
    echo "fuzz: seed $seed is missing; fuzzing without it" >&2
  fi
done

echo "fuzz: running $fuzzer for ${seconds}s (log: $log)"
start=$(date +%s)
# -max_len fits person_detect (300 KB); -timeout flags any single input slower than 60 s.
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=400000 -timeout=60 \
  -dict=tests/fuzz/tflite.dict -artifact_prefix="$artifacts/" -print_final_stats=1 \
  "$corpus" "$seeds" >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

tail -n 25 "$log"
echo "fuzz: ran ${elapsed}s, corpus has $(ls "$corpus" | wc -l) inputs"
if [ "$status" -ne 0 ]; then
  echo "fuzz: FOUND a problem (exit $status); reproduce with: $fuzzer <file>"
  ls -l "$artifacts"
  exit 1
fi
echo "fuzz: no crash found"
