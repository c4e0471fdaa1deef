// Benchmark (not a test): composes N reminder emails and sends them over one SMTP connection with
// the daemon's sender (GMime + libcurl), printing messages per second. Run by
// tests/bench/email_send_bench.sh, which starts the loopback SMTP sink and runs the Python
// smtplib baseline on the same messages (written to --dump).
//
//   kv_email_bench --url smtp://localhost:PORT/NAME --ca CERT --count N --dump DIR [--send no]

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "adapters/email/compose/compose.hpp"
#include "adapters/email/smtp/smtp_client.hpp"

namespace {

using namespace kv::email;

outgoing_mail reminder(int n) {
    outgoing_mail m;
    m.from = {"Kvalitetsvakt Ålesund kommune", "kvalitetsvakt@eksempel.kommune.no"};
    m.to = {"Kåre Ødegård", "kare.odegard@eksempel.kommune.no"};
    m.reply_to = {"Kvalitetsvakt Ålesund kommune",
                  "kvalitetsvakt+k7q2mx9ftzab4abc@eksempel.kommune.no"};
    m.message_id = "kv.bench" + std::to_string(n) + "@eksempel.kommune.no";
    m.references = {"kv.first" + std::to_string(n) + "@eksempel.kommune.no"};
    m.date = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    m.kind = "reminder";
    const std::string id = "AV-2026-" + std::to_string(1000 + n % 9000);
    m.body.title = "Påminnelse: avviket venter på mottak";
    m.body.subject_key = id;
    m.body.facts = {{"Sak", id},
                    {"Enhet", "Solbakken sykehjem"},
                    {"Meldt", "2026-11-20 08:15"},
                    {"Frist", "2026-11-27"}};
    m.body.text =
        "Avviket er ikke mottatt ennå. Motta det, vurder risikoen og sett i gang tiltak. "
        "Særlig viktig når det gjelder en bruker på sykehjemmet.";
    m.ways = {{"Motta", "MOTTATT",
               "https://kv.eksempel.kommune.no/a/v1.aaaaaaaaaaaaaaaaaaaaaaaaaa."
               "1795000000.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"},
              {"Lukk", "LUKK <konklusjon>",
               "https://kv.eksempel.kommune.no/a/v1.bbbbbbbbbbbbbbbbbbbbbbbbbb."
               "1795000000.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"}};
    return m;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string url, ca, dump;
    int count = 10000;
    bool send = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--url") {
            url = value;
        } else if (flag == "--ca") {
            ca = value;
        } else if (flag == "--count") {
            count = std::atoi(value.c_str());
        } else if (flag == "--dump") {
            dump = value;
        } else if (flag == "--send") {
            send = value != "no";
        }
    }
    if ((send && url.empty()) || count <= 0) {
        std::fprintf(stderr, "usage: %s --url URL --ca CERT --count N [--dump DIR] [--send no]\n",
                     argv[0]);
        return 2;
    }

    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> messages;
    messages.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        messages.push_back(compose_message(reminder(i)));
    }
    const double compose_s = seconds_since(start);

    if (!dump.empty()) {
        std::filesystem::create_directories(dump);
        for (std::size_t i = 0; i < messages.size(); ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "%06zu.eml", i);
            std::ofstream(std::filesystem::path(dump) / name, std::ios::binary) << messages[i];
        }
    }

    if (!send) {
        return 0;
    }
    smtp_settings s;
    s.url = url;
    s.ca_file = ca;
    s.username = "bot@example.test";
    s.password = "secret";
    smtp_client client(s);
    const envelope env{"kvalitetsvakt@eksempel.kommune.no", "kare.odegard@eksempel.kommune.no"};
    start = std::chrono::steady_clock::now();
    int failed = 0;
    for (const auto& m : messages) {
        const auto r = client.send(env, m);
        if (!r.ok()) {
            if (++failed == 1) {
                std::fprintf(stderr, "send failed: %s\n", r.error.c_str());
            }
        }
    }
    const double send_s = seconds_since(start);
    std::printf(
        "kvalitetsvakt: composed %d in %.3f s, sent in %.3f s over %ld connection(s), "
        "%d failed\n",
        count, compose_s, send_s, client.connections_opened(), failed);
    std::printf("KV_COMPOSE_SECONDS %.6f\nKV_SEND_SECONDS %.6f\n", compose_s, send_s);
    return failed == 0 ? 0 : 1;
}
