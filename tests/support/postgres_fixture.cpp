// The ctest fixture `postgres`: one PostgreSQL server for the whole test run.
//   postgres_fixture start DIR   initdb and start a server in DIR (which must not exist)
//   postgres_fixture stop DIR    stop it and remove DIR
// Tests that use PostgreSQL get EXAMDOCS_TEST_POSTGRES=DIR and make databases of their own
// in it (support/postgres_server.h); started by hand, a test binary starts its own server.
#include <Poco/File.h>

#include <exception>
#include <iostream>
#include <string>

#include "support/postgres_server.h"

int main(int argc, char** argv) {
    const std::string usage = "usage: postgres_fixture start|stop DIR";
    if (argc != 3) {
        std::cerr << usage << '\n';
        return 64;
    }
    const std::string command = argv[1], dir = argv[2];
    try {
        if (command == "start") {
            if (Poco::File(dir).exists()) examdocs::test::PostgresServer::stop(dir);
        } else if (command != "stop") {
            std::cerr << usage << '\n';
            return 64;
        }
    } catch (const std::exception&) {
        Poco::File(dir).remove(true);  // a directory left by a run that died: start afresh
    }
    try {
        if (command == "start") {
            examdocs::test::PostgresServer server(dir);
            server.keep_running();
            std::cout << "PostgreSQL for the tests: " << server.url() << '\n';
        } else {
            examdocs::test::PostgresServer::stop(dir);
        }
    } catch (const std::exception& e) {
        std::cerr << "postgres_fixture " << command << ": " << e.what() << '\n';
        return 1;
    }
    return 0;
}
