# One INTERFACE target carries the flags every Hopscope target shares.
add_library(hopscope_common INTERFACE)
target_compile_features(hopscope_common INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_definitions(hopscope_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    HOPSCOPE_VERSION="${PROJECT_VERSION}")
target_compile_options(hopscope_common INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference)
if(HOPSCOPE_WERROR)
    target_compile_options(hopscope_common INTERFACE -Werror)
endif()
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# hopscope_install_documents(DESTINATION DIR FILES F...): environment and runbook files name
# their JSON Schema for editors (the YAML language server's "$schema=" modeline) by a path
# relative to the source tree (../resources/schemas/, ../../resources/schemas/). Installed, they
# sit one directory below share/hopscope, beside schemas/: this installs copies whose modeline
# says ../schemas/. The copies are rewritten when a source file changes (on reconfigure).
function(hopscope_install_documents)
    cmake_parse_arguments(arg "" "DESTINATION" "FILES" ${ARGN})
    foreach(file IN LISTS arg_FILES)
        get_filename_component(name ${file} NAME)
        file(READ ${file} text)
        string(REGEX REPLACE "\\$schema=[^ \n]*/schemas/" "$schema=../schemas/" text "${text}")
        set(copy ${CMAKE_CURRENT_BINARY_DIR}/installed-documents/${name})
        set(old "")
        if(EXISTS ${copy})
            file(READ ${copy} old)
        endif()
        if(NOT old STREQUAL text)
            file(WRITE ${copy} "${text}")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
        install(FILES ${copy} DESTINATION ${arg_DESTINATION})
    endforeach()
endfunction()
