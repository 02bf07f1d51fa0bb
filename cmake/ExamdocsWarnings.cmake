# examdocs_set_warnings(<target>): our warning flags, PRIVATE so that they never leak
# into a consumer; -Werror only when EXAMDOCS_WERROR is on (the ci preset).
function(examdocs_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(EXAMDOCS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
