# cmake -DLIBRARY=<libvariance_scaling.so> -DHEADER=<variance_scaling.h>
#       [-DNM=<nm>] -P VarianceScalingCheckSymbols.cmake
#
# Fails unless the shared library's dynamic symbol table defines exactly the
# functions the header declares: every `vs_*(` declaration is exported as a
# function (type T), and nothing else is exported (no other function, no
# data symbol, no Rust symbol). Used by ctest: exported_symbols on the build
# tree, install_symbols and deb_symbols (tests/install/checks.sh) on the
# installed and packaged libraries.
cmake_minimum_required(VERSION 3.25)

foreach(var IN ITEMS LIBRARY HEADER)
  if(NOT DEFINED ${var} OR NOT EXISTS "${${var}}")
    message(FATAL_ERROR "${var}='${${var}}' does not exist")
  endif()
endforeach()
if(NOT NM)
  find_program(NM NAMES nm REQUIRED)
endif()

# --- the functions the header declares --------------------------------------
file(READ "${HEADER}" header)
# Drop comments, so that `vs_version()` mentioned in a doc comment is not
# taken for a declaration: /* ... */ blocks (no nesting in C) and // lines.
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " header "${header}")
string(REGEX REPLACE "//[^\n]*" " " header "${header}")
string(REGEX MATCHALL "[A-Za-z_0-9]+[ \t\n*]+vs_[A-Za-z0-9_]+[ \t\n]*\\(" decls "${header}")
set(declared "")
foreach(decl IN LISTS decls)
  string(REGEX REPLACE "^.*[ \t\n*](vs_[A-Za-z0-9_]+)[ \t\n]*\\($" "\\1" name "${decl}")
  list(APPEND declared "${name}")
endforeach()
list(REMOVE_DUPLICATES declared)
list(SORT declared)
list(LENGTH declared n_declared)
if(n_declared EQUAL 0)
  message(FATAL_ERROR "no vs_* function declarations found in ${HEADER}")
endif()

# --- what the library exports ---------------------------------------------
execute_process(
  COMMAND "${NM}" -D --defined-only "${LIBRARY}"
  OUTPUT_VARIABLE nm_out
  ERROR_VARIABLE nm_err
  RESULT_VARIABLE nm_rc)
if(NOT nm_rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed (${nm_rc}): ${nm_err}")
endif()
string(REPLACE "\n" ";" nm_lines "${nm_out}")
set(exported "")
set(unexpected "")
foreach(line IN LISTS nm_lines)
  if(line STREQUAL "")
    continue()
  endif()
  # "<address> <type> <name>[@version]"
  if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^ @]+)(@.*)?$")
    list(APPEND unexpected "unparsed nm line: ${line}")
    continue()
  endif()
  set(type "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  if(type STREQUAL "A" AND CMAKE_MATCH_3 STREQUAL "" AND name MATCHES "^VS_")
    # a symbol-version node name (absolute symbol), not code
    continue()
  endif()
  if(NOT name MATCHES "^vs_")
    list(APPEND unexpected "${name} (type ${type}): not a vs_ symbol")
  elseif(NOT type MATCHES "^[TtWi]$")
    list(APPEND unexpected "${name} (type ${type}): not a function")
  else()
    list(APPEND exported "${name}")
  endif()
endforeach()
list(REMOVE_DUPLICATES exported)
list(SORT exported)

set(missing ${declared})
list(REMOVE_ITEM missing ${exported})
set(extra ${exported})
list(REMOVE_ITEM extra ${declared})

list(LENGTH exported n_exported)
if(missing OR extra OR unexpected)
  set(msg "exported symbols of ${LIBRARY} differ from the functions of ${HEADER}:")
  foreach(s IN LISTS missing)
    string(APPEND msg "\n  declared but not exported: ${s}")
  endforeach()
  foreach(s IN LISTS extra)
    string(APPEND msg "\n  exported but not declared: ${s}")
  endforeach()
  foreach(s IN LISTS unexpected)
    string(APPEND msg "\n  unexpected export: ${s}")
  endforeach()
  message(FATAL_ERROR "${msg}")
endif()
message(STATUS "exported symbols OK: ${n_exported} vs_* functions, as declared in the header, and nothing else")
