# Catch2 unit tests: one way to build and register them.
#
#   takt_catch_tests(<target>)
#
# links <target> with the shared Catch2 main (tests/support, takt_catch_main) and registers each
# of its test cases as a ctest entry named "<folder>: <test case>", where <folder> is the test's
# folder below tests/unit (e.g. "schedule: ..."), labelled "unit" and "<folder>".
#
# No entry can pass without running a test:
# - a Catch2 run that matches no test case (e.g. a name that discovery split or mangled) prints
#   "No tests ran" and exits 0 in Catch2 v2; the entry fails on that text
#   (FAIL_REGULAR_EXPRESSION, which adds to the exit-code check, it does not replace it), and
#   "--warn NoTests" makes such a run exit 2 as well;
# - scripts/test.sh compares, per binary (listed in <build>/catch_binaries.txt), the number of
#   cases the binary lists with the number of ctest entries that run it
#   (tests/support/catch_count_check.sh). Not a ctest entry itself: it runs "ctest -N", which
#   would rewrite Testing/Temporary/LastTest.log under the running ctest.
include_guard(GLOBAL)
include(Catch)
# catch_discover_tests hands the prefix to its script with "cmake -D", which drops the trailing
# space of "<folder>: " (entries came out as "agent:case"); this script puts it back, then runs
# Catch2's.
set(_TAKT_CATCH_SCRIPT "${CMAKE_BINARY_DIR}/TaktCatchAddTests.cmake")
file(WRITE "${_TAKT_CATCH_SCRIPT}"
  "string(REGEX REPLACE \":$\" \": \" TEST_PREFIX \"\${TEST_PREFIX}\")\n"
  "include(\"${_CATCH_DISCOVER_TESTS_SCRIPT}\")\n")

function(takt_catch_tests target)
  if(ARGN)
    message(FATAL_ERROR "takt_catch_tests(${target}): unexpected arguments ${ARGN}")
  endif()
  file(RELATIVE_PATH folder "${TAKT_SOURCE_ROOT}/tests/unit" "${CMAKE_CURRENT_SOURCE_DIR}")
  if(folder MATCHES "^\\.\\.")
    file(RELATIVE_PATH folder "${TAKT_SOURCE_ROOT}/tests" "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  target_link_libraries(${target} PRIVATE takt_catch_main)
  set(_CATCH_DISCOVER_TESTS_SCRIPT "${_TAKT_CATCH_SCRIPT}")
  catch_discover_tests(${target}
    TEST_PREFIX "${folder}: "
    EXTRA_ARGS --warn NoTests
    TEST_LIST ${target}_TESTS
    PROPERTIES FAIL_REGULAR_EXPRESSION "No tests ran")
  # Labels are a list, which catch_discover_tests' PROPERTIES cannot carry; a second include
  # file, read by ctest after the discovered tests, sets them.
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${labels_file}"
    "if(${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"unit;${folder}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  set_property(GLOBAL APPEND PROPERTY TAKT_CATCH_TARGETS ${target})
endfunction()

# At the end of the top-level directory: the list of Catch2 binaries for the count check.
function(_takt_catch_count_check)
  get_property(targets GLOBAL PROPERTY TAKT_CATCH_TARGETS)
  set(lines "")
  foreach(target IN LISTS targets)
    string(APPEND lines "$<TARGET_FILE:${target}>\n")
  endforeach()
  set(list_file "${CMAKE_BINARY_DIR}/catch_binaries.txt")
  file(GENERATE OUTPUT "${list_file}" CONTENT "${lines}")
endfunction()
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _takt_catch_count_check)
