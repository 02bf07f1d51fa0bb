# examdocs_set_warnings(<target>): our warning flags, PRIVATE so that they never leak
# into a consumer; -Werror only when EXAMDOCS_WERROR is on (the ci preset).
function(examdocs_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  # GCC 12 at -O3 (Release) inlines far enough into libstdc++ to warn about its own code: a
  # std::string operator+ "may overlap" by 2^63 bytes (-Wrestrict, GCC bug 105329, fixed in
  # 13) and istreambuf_iterator's streambuf "may" be null (-Wnull-dereference); `make run`
  # printed 48 such warnings, each pointing into libstdc++'s headers. The -O2 builds (asan,
  # ci, tsan, where CI turns warnings into errors) keep both checks.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE
      $<$<CONFIG:Release>:-Wno-restrict -Wno-null-dereference>)
  endif()
  if(EXAMDOCS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
