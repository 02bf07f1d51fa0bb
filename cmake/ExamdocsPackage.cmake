# Installation and the Debian package (`make package`: build/examdocs_<version>_amd64.deb).
#
# Layouts and the font manifest are compiled into the binary; the fonts and the face
# model come from Debian packages the .deb depends on. The library dependencies are
# found by dpkg-shlibdeps from what the binary links, so Depends names runtime packages
# only (never -dev packages, compilers or test tools).

# The bash completion, made by the binary from its own command declarations.
add_custom_command(
  OUTPUT "${CMAKE_BINARY_DIR}/examdocs.bash-completion"
  COMMAND examdocs completion bash > "${CMAKE_BINARY_DIR}/examdocs.bash-completion"
  DEPENDS examdocs
  COMMENT "Writing the bash completion of examdocs"
  VERBATIM)
add_custom_target(examdocs_bash_completion ALL
                  DEPENDS "${CMAKE_BINARY_DIR}/examdocs.bash-completion")

install(TARGETS examdocs RUNTIME DESTINATION bin)
# The programs the launcher runs (cli/launcher.cpp), found by it at ../lib/examdocs.
install(TARGETS examdocs_all examdocs_documents RUNTIME DESTINATION lib/examdocs)
# The photo checks' module, found by the binary at ../lib/examdocs from its bin/.
install(TARGETS examdocs_photo_analysis LIBRARY DESTINATION lib/examdocs)
install(FILES "${CMAKE_BINARY_DIR}/examdocs.bash-completion"
        DESTINATION share/bash-completion/completions RENAME examdocs)
install(FILES packaging/examdocs.properties DESTINATION /etc/examdocs)
install(FILES packaging/examdocs.service DESTINATION /lib/systemd/system)
install(FILES README.md docs/operations.md docs/configuration.md docs/certificates.md
              fonts/manifest.json
        DESTINATION share/doc/examdocs)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "examdocs")
set(CPACK_PACKAGE_VENDOR "examdocs")
set(CPACK_PACKAGE_CONTACT "examdocs maintainers <examdocs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "exam documents, ID photo checks and a certificate registry over HTTP")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # examdocs_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the binary opens at run time rather than links: the fonts of fonts/manifest.json
# OpenCV's face detector (opencv-data), and pdf.js, which the layout designer serves (libjs-pdf).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-wqy-zenhei, fonts-hanazono, icc-profiles-free, opencv-data, libjs-pdf")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
