# Packages: a Debian package (cpack -G DEB) and a source tarball (the package_source target). Both take their version
# from project().
set(CPACK_PACKAGE_NAME meshscope)
set(CPACK_PACKAGE_VENDOR "The Meshscope developers")
set(CPACK_PACKAGE_CONTACT "The Meshscope developers <meshscope@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Meshscope shows a Knative Eventing mesh as a live graph, from a cluster or from manifest files, edits triggers "
    "with a preview of the events they match, charts Kafka and RabbitMQ backlog and publishes test CloudEvents.")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# dpkg-shlibdeps turns the libraries the binary links (Qt 6, librdkafka, yaml-cpp, QtKeychain, librabbitmq) into
# Depends with the versions Debian's symbols files ask for.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A Secret Service keeps connection secrets; without one they are asked for again each run.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager")

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "${PROJECT_NAME}-${PROJECT_VERSION}")
# Regular expressions on absolute paths: build trees, Git, editor and tool caches stay out.
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" meshscope_source_regex "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_IGNORE_FILES
    "^${meshscope_source_regex}/build[^/]*/"
    "^${meshscope_source_regex}/\\.git/"
    "/\\.cache/"
    "/__pycache__/"
    "\\.user$"
    "~$"
    "/compile_commands\\.json$")
include(CPack)
