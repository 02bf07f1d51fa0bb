# Applies EXAMDOCS_SANITIZE to everything built below the top-level directory.
# ASan and UBSan go together (the asan and ci presets); TSan alone (the tsan preset).
if(EXAMDOCS_SANITIZE)
  set(_san "-fsanitize=${EXAMDOCS_SANITIZE}")
  add_compile_options(${_san} -fno-omit-frame-pointer)
  if(EXAMDOCS_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_link_options(${_san})
endif()

# Under ASan every executable is linked position-dependent. As a PIE, an instrumented
# program carries hundreds of thousands of relative relocations (the sanitizer's metadata
# of every global and check: http_test 974,000), which the loader applies at every start
# before main(): most of the ~140 ms of CPU an ASan process start costs, paid by each of
# the ~250 processes of a test run (every ctest case, every fuzz replay, every `examdocs`
# command a test runs). Release builds stay PIE: there the relocations are few and address
# randomisation is wanted. Shared libraries (the photo checks' module) are not affected.
if(EXAMDOCS_SANITIZE MATCHES "address")
  add_link_options("$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>")
endif()
