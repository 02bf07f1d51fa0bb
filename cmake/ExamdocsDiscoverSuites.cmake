# Run in script mode after a test program is linked (see examdocs_add_test in
# tests/CMakeLists.txt): asks the program for its tests and writes one ctest case per gtest
# suite, `<program>:<Suite>`, which runs that suite's cases in one process.
#
# Why not gtest_discover_tests (one process per case): a process of ours under ASan costs
# ~0.25 s of CPU before main(), and the first case in it pays again for what the process
# then keeps (font hashes and faces, the layouts); over ~550 cases that was most of the
# suite's time. gtest still names every case that fails in the output ctest shows.
#
# The suites named in SPLIT_SUITES are the exception: they were the longest ctest cases of
# the run, and with -j2 a run cannot end before its longest case does. `<Suite>` makes each
# of its cases a ctest case of its own, `<program>:<Suite>.<Case>` (for cases that each
# take many seconds: browsers, killed servers); `<Suite>=<n>` deals its cases into n ctest
# cases, `<program>:<Suite>.part<i>`, each one process (for many cases of a few seconds,
# where a process per case would cost more than it saves).
#
# SUITE_COSTS gives the seconds a suite's ctest cases take, for ctest's order on a run with
# no timing history (CI's clean checkout): longest first, whatever the program's COST.
#
#   -D TEST_PROGRAM=<file> -D TEST_NAME=<program> -D CTEST_FILE=<file to write>
#   -D TEST_PROPERTIES=<name|value|…> (set on every case; | for ; which a command line
#   would split) -D SPLIT_SUITES=<suite|suite=n|…> -D SUITE_COSTS=<suite=s|…>
#   -D DISCOVERY_TIMEOUT=<s> -D TEST_LAUNCHER=<program> (each case runs as `launcher program
#   --gtest_filter=…`: tests/own-tmpdir, a temporary directory of the case's own)
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${TEST_PROGRAM}" --gtest_list_tests
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status
                TIMEOUT ${DISCOVERY_TIMEOUT})
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TEST_PROGRAM} --gtest_list_tests failed (${status}):\n${errors}")
endif()

# SPLIT_SUITES: `Suite` (a ctest case per gtest case) or `Suite=n` (n ctest cases).
string(REPLACE "|" ";" split_items "${SPLIT_SUITES}")
set(split_suites)
foreach(item IN LISTS split_items)
  if(item MATCHES "^([^=]+)=([0-9]+)$")
    list(APPEND split_suites "${CMAKE_MATCH_1}")
    set(parts_of_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
  else()
    list(APPEND split_suites "${item}")
    set(parts_of_${item} 0)
  endif()
endforeach()
string(REPLACE "|" ";" properties "${TEST_PROPERTIES}")
string(REPLACE "|" ";" cost_items "${SUITE_COSTS}")
foreach(item IN LISTS cost_items)
  if(NOT item MATCHES "^([^=]+)=([0-9]+)$")
    message(FATAL_ERROR "SUITE_COSTS: '${item}' is not <suite>=<seconds>")
  endif()
  set(cost_of_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()

# A suite is a line that starts in column one and ends with a dot, perhaps followed by a
# "# TypeParam = …" comment; its cases are the indented lines under it (a case may be
# followed by a "# GetParam() = …" comment).
string(REPLACE "\n" ";" lines "${listing}")
set(names)    # ctest case names, in the order listed
set(filters)  # their gtest filters, index for index
set(suite "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z_][A-Za-z0-9_/]*)\\.( +#.*)?$")
    set(suite "${CMAKE_MATCH_1}")
    set(dealt 0)
    if(NOT suite IN_LIST split_suites)
      list(APPEND names "${TEST_NAME}:${suite}")
      list(APPEND filters "${suite}.*")
    endif()
  elseif(line MATCHES "^  ([A-Za-z_][A-Za-z0-9_/]*)( +#.*)?$" AND suite IN_LIST split_suites)
    set(case "${suite}.${CMAKE_MATCH_1}")
    if(parts_of_${suite} EQUAL 0)
      list(APPEND names "${TEST_NAME}:${case}")
      list(APPEND filters "${case}")
    else()
      # Dealt round the parts as cards are: neighbouring cases (often alike) go apart.
      math(EXPR part "${dealt} % ${parts_of_${suite}} + 1")
      math(EXPR dealt "${dealt} + 1")
      set(name "${TEST_NAME}:${suite}.part${part}")
      list(FIND names "${name}" at)
      if(at EQUAL -1)
        list(APPEND names "${name}")
        list(APPEND filters "${case}")
      else()
        list(GET filters ${at} filter)
        list(REMOVE_AT filters ${at})
        list(INSERT filters ${at} "${filter}:${case}")
      endif()
    endif()
  endif()
endforeach()
if(NOT names)
  message(FATAL_ERROR "${TEST_PROGRAM} lists no tests")
endif()
foreach(suite IN LISTS split_suites)
  if(NOT names MATCHES ":${suite}\\.")
    message(FATAL_ERROR "${TEST_PROGRAM} has no suite ${suite} to split")
  endif()
endforeach()

set(script "")
list(LENGTH names count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET names ${i} name)
  list(GET filters ${i} filter)
  string(APPEND script
         "add_test([==[${name}]==] [==[${TEST_LAUNCHER}]==] [==[${TEST_PROGRAM}]==] "
         "[==[--gtest_filter=${filter}]==])\n"
         "set_tests_properties([==[${name}]==] PROPERTIES")
  foreach(item IN LISTS properties)
    string(APPEND script " [==[${item}]==]")
  endforeach()
  string(REGEX REPLACE "^[^:]*:([^.]*).*" "\\1" suite "${name}")
  if(DEFINED cost_of_${suite})
    # Set after the program's COST: the later value is the one kept.
    string(APPEND script " COST ${cost_of_${suite}}")
  endif()
  string(APPEND script ")\n")
endforeach()
file(WRITE "${CTEST_FILE}" "${script}")
