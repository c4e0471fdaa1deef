// Benchmark (not a test): the daemon's whole send path for N reminder emails. The reminders are
// committed to the outbox of a fresh store (synchronous=FULL, as the daemon runs), then one
// delivery pass sends them with the email sender to the SMTP server: each mail is composed, its
// thread and reply token recorded, sent over the reused connection, and its row marked
// delivered. Prints messages per second. Run by tests/bench/email_send_bench.sh.
//
// --connections spreads each batch over that many SMTP connections (email.smtp_connections).
//
//   kv_email_outbox_bench --url smtp://localhost:PORT/NAME --ca CERT --count N --dir DIR
//                         [--connections C]

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "daemon/config/organisation.hpp"
#include "daemon/config/settings.hpp"
#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/delivery/email_sender.hpp"
#include "daemon/store/store.hpp"

namespace {

using namespace kv;

const std::string recipient = "kare.odegard@eksempel.kommune.no";

daemon::organisation one_unit() {
    daemon::organisation org;
    org.name = "Eksempel kommune";
    org.units = {{"solbakken", "Solbakken sykehjem", "", recipient, ""}};
    org.people = {{recipient, "Kåre Ødegård", "solbakken", "leader", bot::language::nb,
                   bot::channel::email, true}};
    return org;
}

bot::message reminder(int n) {
    const std::string id = "AV-2026-" + std::to_string(1000 + n % 9000);
    bot::message m;
    m.title = "Påminnelse: avviket venter på mottak";
    m.subject_key = id;
    m.facts = {{"Sak", id},
               {"Enhet", "Solbakken sykehjem"},
               {"Meldt", "2026-11-20 08:15"},
               {"Frist", "2026-11-27"}};
    m.text =
        "Avviket er ikke mottatt ennå. Motta det, vurder risikoen og sett i gang tiltak. "
        "Særlig viktig når det gjelder en bruker på sykehjemmet.";
    m.actions = {{"case.receive", "Motta", {{"case", id}}, {}},
                 {"case.close", "Lukk", {{"case", id}}, {}}};
    return m;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string url, ca, dir;
    int count = 10000;
    int connections = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--url") {
            url = value;
        } else if (flag == "--ca") {
            ca = value;
        } else if (flag == "--count") {
            count = std::atoi(value.c_str());
        } else if (flag == "--dir") {
            dir = value;
        } else if (flag == "--connections") {
            connections = std::atoi(value.c_str());
        }
    }
    if (url.empty() || dir.empty() || count <= 0 || connections < 1) {
        std::fprintf(stderr,
                     "usage: %s --url URL --ca CERT --count N --dir DIR [--connections C]\n",
                     argv[0]);
        return 2;
    }
    std::filesystem::create_directories(dir);
    daemon::settings cfg;
    cfg.store.database = std::filesystem::path(dir) / "kv.db";
    cfg.email.from_address = "kvalitetsvakt@eksempel.kommune.no";
    cfg.email.from_name = "Kvalitetsvakt Ålesund kommune";
    cfg.email.smtp_url = url;
    cfg.email.smtp_ca_file = ca;
    cfg.email.smtp_user = "bot@example.test";
    cfg.email.smtp_password = "secret";
    cfg.email.link_secret = "bench-link-secret-bench-link-secret-0123456789";
    cfg.email.public_base_url = "https://kv.eksempel.kommune.no";
    cfg.email.smtp_connections = connections;

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    {
        daemon::store db{{cfg.store.database}};
        db.sync_organisation(one_unit(), now);
        bot::decision d;
        for (int i = 0; i < count; ++i) {
            d.notifications.push_back(
                {recipient, reminder(i), false, "bench:" + std::to_string(i)});
        }
        db.apply(d, "", bot::channel::console, now);
    }

    daemon::delivery_worker_options o;
    o.store = {cfg.store.database};
    std::vector<std::unique_ptr<daemon::channel_sender>> senders;
    senders.push_back(daemon::make_email_sender(cfg));
    daemon::delivery_worker worker{std::move(o), std::move(senders)};
    const auto start = std::chrono::steady_clock::now();
    const auto pass = worker.run_once();
    const double send_s = seconds_since(start);
    std::printf(
        "kvalitetsvakt outbox path, %d connection(s): %d delivered, %d retried, %d failed in "
        "%.3f s\n",
        connections, pass.delivered, pass.retried, pass.failed, send_s);
    std::printf("KV_OUTBOX_SECONDS %.6f\n", send_s);
    return pass.delivered == count ? 0 : 1;
}
