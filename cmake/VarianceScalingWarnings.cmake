# vs_strict_warnings(<target>...)
#
# The warning policy of every C and C++ program this project builds (tests
# and examples): C99 and C++17 without compiler extensions, and
# -Wall -Wextra -Wpedantic -Werror, so that the header stays clean for the
# strictest consumer.
include_guard(GLOBAL)

function(vs_strict_warnings)
  foreach(target IN LISTS ARGN)
    set_target_properties(${target} PROPERTIES
      C_STANDARD 99
      C_STANDARD_REQUIRED ON
      C_EXTENSIONS OFF
      CXX_STANDARD 17
      CXX_STANDARD_REQUIRED ON
      CXX_EXTENSIONS OFF)
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
      target_compile_options(${target} PRIVATE
        $<$<COMPILE_LANGUAGE:C,CXX>:-Wall;-Wextra;-Wpedantic;-Werror>)
    elseif(MSVC)
      target_compile_options(${target} PRIVATE /W4 /WX)
    endif()
  endforeach()
endfunction()
