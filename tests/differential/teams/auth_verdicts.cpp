// Prints our authenticator's verdict for each request read from stdin, for the differential
// test against Microsoft's validator. Usage: teams_auth_verdicts <metadata-url> <app-id> <ca-file>
// Input lines: <case>\t<serviceUrl>\t<channelId>\t<Authorization header value>
// Output lines: <case>\taccept|reject\t<reason>

#include <exception>
#include <iostream>
#include <string>

#include "adapters/teams/auth/channel_auth.hpp"
#include "daemon/http/http_client.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: teams_auth_verdicts <metadata-url> <app-id> <ca-file>\n";
        return 2;
    }
    try {
        kv::daemon::http_client_settings client_settings;
        client_settings.ca_file = argv[3];
        kv::daemon::http_client client{client_settings};
        kv::teams::channel_auth_settings settings;
        settings.openid_metadata_url = argv[1];
        settings.app_id = argv[2];
        kv::teams::channel_authenticator auth{settings, client};

        std::string line;
        while (std::getline(std::cin, line)) {
            std::string fields[4];
            std::size_t start = 0;
            for (int i = 0; i < 3; ++i) {
                const auto tab = line.find('\t', start);
                if (tab == std::string::npos) {
                    std::cerr << "bad input line\n";
                    return 2;
                }
                fields[i] = line.substr(start, tab - start);
                start = tab + 1;
            }
            fields[3] = line.substr(start);
            const auto r = auth.authenticate(fields[3], fields[1], fields[2]);
            std::cout << fields[0] << '\t' << (r.ok ? "accept" : "reject") << '\t' << r.reason
                      << '\n';
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "teams_auth_verdicts: " << e.what() << '\n';
        return 1;
    }
}
