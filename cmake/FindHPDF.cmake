# FindHPDF: libharu (the PDF library). Debian's libhpdf-dev ships neither a CMake config
# nor a pkg-config file, so we look for the header and library ourselves.
#
# Defines HPDF_FOUND, HPDF_VERSION and the imported target HPDF::HPDF.
find_path(HPDF_INCLUDE_DIR NAMES hpdf.h)
find_library(HPDF_LIBRARY NAMES hpdf)

if(HPDF_INCLUDE_DIR AND EXISTS "${HPDF_INCLUDE_DIR}/hpdf_version.h")
  file(STRINGS "${HPDF_INCLUDE_DIR}/hpdf_version.h" _hpdf_version_line
       REGEX "^#define HPDF_VERSION_TEXT")
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" HPDF_VERSION "${_hpdf_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(HPDF
  REQUIRED_VARS HPDF_LIBRARY HPDF_INCLUDE_DIR
  VERSION_VAR HPDF_VERSION)

if(HPDF_FOUND AND NOT TARGET HPDF::HPDF)
  add_library(HPDF::HPDF UNKNOWN IMPORTED)
  set_target_properties(HPDF::HPDF PROPERTIES
    IMPORTED_LOCATION "${HPDF_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${HPDF_INCLUDE_DIR}")
endif()
mark_as_advanced(HPDF_INCLUDE_DIR HPDF_LIBRARY)
