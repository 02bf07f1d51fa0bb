# The two commands a newcomer needs:
#   make run   install packages, build Release, serve on 127.0.0.1:8080 (data in ./var)
#   make test  install packages, build with ASan+UBSan, run every test
#   make package  the Debian package, build/examdocs_<version>_amd64.deb
# CI runs `make test` with CI=true, which picks the ci preset (warnings are errors) and
# also runs the concurrency tests under ThreadSanitizer (make test-tsan).

PRESET ?= $(if $(CI),ci,asan)
JOBS   ?= $(shell nproc)
HOST   ?= 127.0.0.1
PORT   ?= 8080
DATA   ?= ./var

.PHONY: run test test-tsan setup build-release build-test package format check-format bench clean

run: setup build-release
	mkdir -p $(DATA)
	./build/release/cli/examdocs serve -Dserver.host=$(HOST) -Dserver.port=$(PORT) -Ddata.dir=$(DATA)

test: setup build-test
	scripts/check-format
	scripts/tidy-changed build/$(PRESET)
	ctest --preset $(PRESET) -j $(JOBS)
	$(if $(CI),scripts/tsan-tests)

test-tsan: setup
	scripts/tsan-tests

setup:
	scripts/setup

# build/examdocs_<version>_amd64.deb: the Release binary, its configuration file, the
# systemd unit and the bash completion (see docs/operations.md).
package: setup build-release
	cpack --config build/release/CPackConfig.cmake -B build
	rm -rf build/_CPack_Packages

build-release:
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

build-test:
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

format:
	scripts/check-format --fix

check-format:
	scripts/check-format

bench: setup build-release
	bench/run

clean:
	rm -rf build
