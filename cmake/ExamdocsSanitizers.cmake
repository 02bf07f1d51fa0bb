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
