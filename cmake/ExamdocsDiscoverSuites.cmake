# Run in script mode after a test program is linked (see examdocs_add_test in
# tests/CMakeLists.txt): asks the program for its tests and writes one ctest case per gtest
# suite, `<program>:<Suite>`, which runs that suite's cases in one process.
#
# Why not gtest_discover_tests (one process per case): a process of ours under ASan costs
# ~0.25 s of CPU before main(), and the first case in it pays again for what the process
# then keeps (font hashes and faces, the layouts); over ~550 cases that was most of the
# suite's time. gtest still names every case that fails in the output ctest shows.
#
#   -D TEST_PROGRAM=<file> -D TEST_NAME=<program> -D CTEST_FILE=<file to write>
#   -D TEST_PROPERTIES=<name|value|…> (set on every case; | for ; which a command line
#   would split) -D DISCOVERY_TIMEOUT=<s>
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${TEST_PROGRAM}" --gtest_list_tests
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status
                TIMEOUT ${DISCOVERY_TIMEOUT})
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TEST_PROGRAM} --gtest_list_tests failed (${status}):\n${errors}")
endif()

# A suite is a line that starts in column one and ends with a dot, perhaps followed by a
# "# TypeParam = …" comment; its cases are the indented lines under it.
string(REPLACE "\n" ";" lines "${listing}")
set(suites)
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z_][A-Za-z0-9_/]*)\\.( +#.*)?$")
    list(APPEND suites "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(NOT suites)
  message(FATAL_ERROR "${TEST_PROGRAM} lists no tests")
endif()

string(REPLACE "|" ";" properties "${TEST_PROPERTIES}")
set(script "")
foreach(suite IN LISTS suites)
  set(name "${TEST_NAME}:${suite}")
  string(APPEND script
         "add_test([==[${name}]==] [==[${TEST_PROGRAM}]==] [==[--gtest_filter=${suite}.*]==])\n"
         "set_tests_properties([==[${name}]==] PROPERTIES")
  foreach(item IN LISTS properties)
    string(APPEND script " [==[${item}]==]")
  endforeach()
  string(APPEND script ")\n")
endforeach()
file(WRITE "${CTEST_FILE}" "${script}")
