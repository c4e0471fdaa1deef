# The two commands a newcomer needs:
#   make run    installs what is missing, builds, and runs the daemon on the demo configuration
#   make test   builds and runs the whole test suite, also under ASan + UBSan
# Both install the Debian packages the project needs first (scripts/install-deps.sh).

JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
CONFIG ?= config/kvalitetsvakt.toml
WERROR := $(if $(CI),ON,OFF)
CMAKE_COMMON := -G Ninja -DKV_WERROR=$(WERROR)

.PHONY: all deps build run test test-plain test-asan bench bench-schedule format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DKV_SANITIZE=ON

$(BENCH_BUILD)/build.ninja: | deps
	cmake -S . -B $(BENCH_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/kvalitetsvakt --config $(CONFIG) serve

test-plain: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure

test-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest -j $(JOBS) --output-on-failure

test: test-plain test-asan

bench: deps $(BENCH_BUILD)/build.ninja
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target kv_bench
	./$(BENCH_BUILD)/tests/kv_bench

bench-schedule: deps $(BENCH_BUILD)/build.ninja
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target kv_schedule_bench
	./$(BENCH_BUILD)/tests/kv_schedule_bench

format:
	find bot daemon adapters tests -name '*.hpp' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
