# examdocs_embed_text(<target> <file> <symbol>)
# Compiles the text of <file> into <target> as `std::string_view <symbol>()` in namespace
# examdocs::embedded, so that the binary serves docs/openapi.yaml and checks the font
# manifest without looking for files beside itself. Editing <file> re-runs CMake.
function(examdocs_embed_text target file symbol)
  get_filename_component(_abs "${file}" ABSOLUTE)
  file(READ "${_abs}" EMBED_CONTENT)
  string(FIND "${EMBED_CONTENT}" ")examdocs_embed\"" _clash)
  if(NOT _clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter used to embed it")
  endif()
  set(EMBED_SYMBOL "${symbol}")
  set(_out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/embed.cpp.in" "${_out}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_abs}")
  target_sources(${target} PRIVATE "${_out}")
endfunction()
