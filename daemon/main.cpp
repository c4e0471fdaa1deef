#include <exception>
#include <iostream>

#include "daemon/cli/cli.hpp"

int main(int argc, char** argv) {
    try {
        return kv::daemon::main_impl(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "kvalitetsvakt: error: " << e.what() << "\n";
    } catch (...) {
        std::cerr << "kvalitetsvakt: unknown error\n";
    }
    return 1;
}
