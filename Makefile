# edgeinfer — one Makefile drives the engine, the wasm builds, tests and fuzzing.
#
#   make            install what is missing, build native + wasm
#   make test       C unit/hostile tests under ASan+UBSan, then node --test suites
#   make fuzz       libFuzzer on the model reader (FUZZ_SECONDS, default 600)
#   make demo       build and serve the demo page
#   make screenshot the README's picture of the demo's camera mode

SHELL := /bin/bash
CC ?= gcc
EMCC ?= emcc
FUZZ_SECONDS ?= 600

ENGINE_SRC := $(wildcard src/*.c src/ops/*.c src/kernels/*.c)
ENGINE_HDR := $(wildcard src/*.h src/ops/*.h src/kernels/*.h)

CFLAGS_COMMON := -std=c11 -Wall -Wextra -Wno-unused-parameter -Isrc
NATIVE_CFLAGS := $(CFLAGS_COMMON) -O2 -g
SAN_CFLAGS := $(CFLAGS_COMMON) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# -flto: the ops call their kernels (and the kernels the requantization
# helpers) across files; link-time optimization inlines and specializes those
# calls. Same-process A/B against the build without it: tf2 MobileNetV2 0.985,
# person_detect 0.92.
WASM_FLAGS := -std=c11 -O3 -flto -Isrc --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 \
  -sMALLOC=emmalloc -sINITIAL_MEMORY=1MB -sTOTAL_STACK=65536 -sMAXIMUM_MEMORY=2GB \
  -DNDEBUG -Wall -Wno-unused-parameter

TEST_SRC := $(wildcard tests/c/test_*.c)
TEST_BIN := $(patsubst tests/c/%.c,build/test/%,$(TEST_SRC))
TEST_SUPPORT := $(filter-out tests/c/test_%.c tests/c/ei_run.c,$(wildcard tests/c/*.c))

WASM_TEST_SRC := $(wildcard tests/wasm/test_*.c)
WASM_TEST_BIN := $(patsubst tests/wasm/%.c,build/wasm-test/%.cjs,$(WASM_TEST_SRC))

.PHONY: all setup native wasm test test-c test-wasm test-js fuzz demo models clean bench bench-browser size screenshot
BENCH_ARGS ?=

all: setup native wasm

setup:
	@bash scripts/setup.sh

native: build/native/ei_run

wasm: wasm/edgeinfer.wasm wasm/edgeinfer-simd.wasm

build/native/ei_run: tests/c/ei_run.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(CC) $(NATIVE_CFLAGS) -o $@ tests/c/ei_run.c $(ENGINE_SRC) -lm

build/test/%: tests/c/%.c $(TEST_SUPPORT) $(ENGINE_SRC) $(ENGINE_HDR) $(wildcard tests/c/*.h)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -Itests/c -o $@ $< $(TEST_SUPPORT) $(ENGINE_SRC) -lm

# Scalar build for engines without SIMD128, and the SIMD128 build.
wasm/edgeinfer.wasm: $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(EMCC) $(WASM_FLAGS) -o $@ $(ENGINE_SRC)

wasm/edgeinfer-simd.wasm: $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(EMCC) $(WASM_FLAGS) -msimd128 -o $@ $(ENGINE_SRC)

test: setup native wasm test-c test-wasm test-js

test-c: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $$t; done

# SIMD kernels against their scalar references, run in wasm under Node.
build/wasm-test/%.cjs: tests/wasm/%.c tests/wasm/test_support.h $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	NODE_PATH=/usr/share/nodejs $(EMCC) -std=c11 -O2 -msimd128 -sSINGLE_FILE -sALLOW_MEMORY_GROWTH=1 \
	  -Isrc -o $@ $< $(ENGINE_SRC)

test-wasm: $(WASM_TEST_BIN)
	@set -e; for t in $(WASM_TEST_BIN); do echo "== $$t"; node $$t; done

test-js: native wasm
	node --test tests/js/

build/fuzz/fuzz_model: tests/fuzz/fuzz_model.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	clang -std=c11 -O1 -g -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -o $@ tests/fuzz/fuzz_model.c $(ENGINE_SRC) -lm

fuzz: setup build/fuzz/fuzz_model
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

# Ours against TFLite-wasm (tfjs-tflite) in the same process; never part of `make test`.
bench: setup wasm
	node bench/node.js $(BENCH_ARGS)

# Also face detection per camera frame, as the demo runs it (the model and the photo).
bench-browser: setup wasm models build/camera/astronaut.y4m
	node bench/browser.js $(BENCH_ARGS)

# Engine size, raw and gzip -9; the npm package as `npm pack` would make it.
size: wasm
	@for f in wasm/edgeinfer.wasm wasm/edgeinfer-simd.wasm; do \
	  printf '%-28s %8d bytes raw %8d bytes gzip -9\n' $$f $$(wc -c < $$f) $$(gzip -9 -c $$f | wc -c); done
	@npm pack --dry-run --json --loglevel=error | node -e "$$NPM_PACK_LINE"

# Prints the JSON of `npm pack --json` (stdin) as one line like those above.
export NPM_PACK_LINE := const [p] = JSON.parse(require('fs').readFileSync(0, 'utf8')); \
  console.log(p.filename.padEnd(28), String(p.size).padStart(8), 'bytes packed', String(p.unpackedSize).padStart(8), 'bytes unpacked,', p.entryCount, 'files')

# The demo's default models, made from pinned npm packages and checked by SHA-256.
models: setup
	node models/make-models.js

# A fake camera for browser tests: astronaut.png (Debian's python3-skimage) as YUV4MPEG2.
build/camera/astronaut.y4m: scripts/make-y4m.js
	node scripts/make-y4m.js $@

demo: setup wasm models
	node scripts/serve.js

# The demo's camera mode on the fake camera, as the README shows it.
screenshot: setup wasm models build/camera/astronaut.y4m
	node scripts/screenshot.js web/screenshot-camera.png

clean:
	rm -rf build wasm/*.wasm
