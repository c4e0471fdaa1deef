#pragma once
// The command line: `kvalitetsvakt [--config FILE] <command> [options]`.

namespace kv::daemon {

// Parses the arguments and runs the command. Returns the exit code: 0 ok, 1 failure, 2 usage or
// configuration errors. Throws what the command throws (main reports it).
int main_impl(int argc, char** argv);

}  // namespace kv::daemon
