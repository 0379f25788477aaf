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
