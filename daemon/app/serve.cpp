#include <future>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include "daemon/app/channel_senders.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/calendar/feed_command.hpp"
#include "daemon/calendar/feed_routes.hpp"
#include "daemon/delivery/delivery_worker.hpp"
#include "daemon/email/imap_inbound.hpp"
#include "daemon/email/link_routes.hpp"
#include "daemon/http/health.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/http/metrics.hpp"
#include "daemon/log.hpp"
#include "daemon/schedule/schedule_timer.hpp"
#include "daemon/store/database_watch.hpp"
#include "daemon/teams/teams_channel.hpp"
#include "daemon/version.hpp"

namespace kv::daemon {

namespace net = boost::asio;

int run_serve(app& a) {
    net::io_context ioc;
    // SQLite blocks on fsync: all store work runs on this one thread, never on the I/O loop.
    net::thread_pool store_thread(1);
    // Checking and parsing requests (a signature per Teams activity) runs here, never behind a
    // commit on the store thread.
    net::thread_pool request_threads(2);
    // Connector calls made while handling Teams activities (looking up someone met for the first
    // time may wait for the rate limiter) run here, never on the store thread.
    net::thread_pool teams_connector_calls(1);

    // The wheel and working calendar, loaded once: the scheduler's timer and the calendar feeds
    // use them (both on the store thread).
    auto schedule = load_schedule_config(a.cfg, a.org, std::cerr);
    if (!schedule) {
        return exit_usage;
    }
    const scheduler sched{std::move(*schedule)};

    metrics_registry metrics;
    declare_daemon_metrics(metrics);
    for (const char* ch : {"console", "teams", "email"}) {
        for (const char* result : {"delivered", "retry", "fallback", "failed"}) {
            metrics.increment(metric_names::deliveries, {{"channel", ch}, {"result", result}}, 0);
        }
    }

    delivery_worker_options delivery;
    delivery.store = store_options{a.cfg.store.database, a.cfg.store.synchronous_full,
                                   a.cfg.store.busy_timeout_ms};
    delivery.delivery = a.cfg.delivery;
    delivery.on_outcome = [&metrics](bot::channel ch, std::string_view result) {
        metrics.increment(metric_names::deliveries, {{"channel", std::string{bot::to_string(ch)}},
                                                     {"result", std::string{result}}});
    };
    delivery_worker worker{std::move(delivery), make_channel_senders(a.cfg)};

    const health_probe probe = [&a, &metrics] {
        health_snapshot s;
        s.store_ok = a.db->healthy();
        const auto depth = a.db->outbox_depth();
        s.outbox_pending = depth.pending;
        s.outbox_failed = depth.failed;
        metrics.set(metric_names::outbox_pending, static_cast<double>(depth.pending));
        metrics.set(metric_names::outbox_failed, static_cast<double>(depth.failed));
        return s;
    };
    auto metrics_handler = metrics_route(metrics);
    route metrics_with_refresh{metrics_handler.method, metrics_handler.path,
                               [probe, inner = metrics_handler.handler](const http_request& r) {
                                   probe();  // the outbox gauges are read at scrape time
                                   return inner(r);
                               }};
    std::vector<route> route_list{healthz_route(version, probe), std::move(metrics_with_refresh)};
    // Teams: POST /api/messages when [teams] enabled = true.
    std::unique_ptr<teams_channel> teams;
    if (a.cfg.teams.enabled) {
        teams = std::make_unique<teams_channel>(
            a.cfg.teams, *a.db, a.brain, metrics, [&worker] { worker.wake(); },
            [ex = store_thread.get_executor()](std::function<void()> f) {
                net::post(ex, std::move(f));
            },
            [ex = teams_connector_calls.get_executor()](std::function<void()> f) {
                net::post(ex, std::move(f));
            });
        route_list.push_back(
            teams_messages_route(teams_hooks(*teams, store_thread.get_executor())));
        teams->set_text_answer([&a](const bot::inbound_event& ev, std::chrono::sys_seconds now) {
            return answer_calendar_command(a, ev, now);  // `kalender`: daemon/calendar
        });
    }
    append_email_link_routes(route_list, a);  // GET/POST /a/<token>: action links in email
    // GET /calendar/<token>.ics: calendar feeds, from the wheel the scheduler's timer uses.
    append_calendar_routes(route_list, a, sched);
    const router routes(std::move(route_list));

    http_server_settings hs;
    hs.address = a.cfg.http.listen;
    hs.port = a.cfg.http.port;
    hs.body_limit = a.cfg.http.body_limit;
    std::unique_ptr<http_server> server;
    try {
        server = std::make_unique<http_server>(ioc.get_executor(), store_thread.get_executor(),
                                               request_threads.get_executor(), hs, routes);
    } catch (const std::exception& e) {
        std::cerr << "error: cannot listen on " << hs.address << ":" << hs.port << ": " << e.what()
                  << "\n";
        store_thread.join();
        return exit_failure;
    }

    // The scheduler: one timer to the next instant anything falls due. Commits, here or by
    // other processes (seen through the store's files), wake it and the delivery worker.
    schedule_timer_options reminder_options;
    reminder_options.on_store_changed = [&worker] { worker.wake(); };
    schedule_timer reminders(ioc.get_executor(), store_thread.get_executor(), sched, *a.db,
                             std::move(reminder_options));
    database_watch store_files(ioc.get_executor(), a.db->path(),
                               [&reminders] { reminders.others_may_have_written(); });
    reminders.start();
    store_files.start();

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (!ec) {
            log::info("signal " + std::to_string(sig) + ": stopping after work in flight");
            server->stop();
            reminders.stop();
            store_files.stop();
        }
    });

    int exit_code = exit_ok;
    net::co_spawn(ioc, server->run(), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log::error(std::string("http server failed: ") + ex.what());
                exit_code = exit_failure;
            }
        }
        reminders.stop();
        store_files.stop();
        signals.cancel();
    });

    log::info("kvalitetsvakt " + std::string(version) + " serving " + a.org.name + " on http://" +
              hs.address + ":" + std::to_string(server->port()) + " (store " +
              a.db->path().string() + ")");
    std::cout << "Kvalitetsvakt kjører på http://" << hs.address << ":" << server->port()
              << "  (Ctrl+C stopper)\n"
              << "Snakk med boten i en annen terminal, f.eks.:\n"
              << "  ./build/kvalitetsvakt chat --as kari.nordmann@eksempel.kommune.no\n"
              << std::flush;
    try {
        worker.start();
    } catch (const std::exception& e) {
        log::error(std::string("delivery worker cannot start: ") + e.what());
        return exit_failure;
    }
    // Mail read from an IMAP mailbox, on its own thread with its own store connection.
    std::unique_ptr<imap_inbound_service> imap;
    if (!a.cfg.email.imap_url.empty()) {
        imap = std::make_unique<imap_inbound_service>(a.cfg, a.brain);
        imap->start();
    }
    ioc.run();
    if (imap) {
        imap->stop();
    }
    worker.stop();
    teams_connector_calls.join();  // a finished call hands its result to the store thread
    store_thread.join();
    server.reset();
    log::info("stopped");
    return exit_code;
}

}  // namespace kv::daemon
