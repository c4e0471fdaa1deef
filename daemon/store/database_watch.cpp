#include "daemon/store/database_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "daemon/log.hpp"

namespace kv::daemon {

namespace net = boost::asio;

namespace {

// Writes, and files appearing under a watched name (a new WAL, a database restored by rename);
// IN_CLOSE_WRITE is the one event certain to come after a short-lived writer's last commit.
constexpr std::uint32_t watched_events =
    IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR;

std::string errno_text(int err) {
    return std::error_code{err, std::generic_category()}.message();
}

}  // namespace

database_watch::database_watch(net::any_io_executor io, std::filesystem::path database,
                               std::function<void()> on_change, database_watch_options options)
    : io_(std::move(io)),
      folder_(database.has_parent_path() ? database.parent_path() : std::filesystem::path{"."}),
      names_{database.filename().string(), database.filename().string() + "-wal",
             database.filename().string() + "-journal"},
      on_change_(std::move(on_change)),
      options_(options),
      events_(io_),
      coalesce_timer_(io_),
      settle_timer_(io_),
      fallback_timer_(io_) {}

database_watch::~database_watch() = default;

void database_watch::start() {
    net::post(io_, [this] {
        if (!stopped_) {
            begin();
        }
    });
}

void database_watch::stop() {
    net::post(io_, [this] {
        stopped_ = true;
        coalesce_timer_.cancel();
        settle_timer_.cancel();
        fallback_timer_.cancel();
        boost::system::error_code ignored;
        events_.close(ignored);
    });
}

void database_watch::begin() {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        fall_back("inotify: " + errno_text(errno));
        return;
    }
    if (::inotify_add_watch(fd, folder_.c_str(), watched_events) < 0) {
        const int err = errno;
        ::close(fd);
        fall_back("inotify on " + folder_.string() + ": " + errno_text(err));
        return;
    }
    boost::system::error_code ec;
    events_.assign(fd, ec);
    if (ec) {
        ::close(fd);
        fall_back("inotify: " + ec.message());
        return;
    }
    read_events();
}

void database_watch::fall_back(const std::string& why) {
    if (polling_ || stopped_) {
        return;
    }
    polling_ = true;
    boost::system::error_code ignored;
    events_.close(ignored);
    log::warn("cannot watch the store's files (" + why + "): looking for other writers every " +
              std::to_string(options_.fallback_every.count()) + " ms");
    // A handler of its own: whatever made inotify fail (no free descriptor) may still hold here.
    net::post(io_, [this] { arm_fallback(); });
}

void database_watch::read_events() {
    events_.async_read_some(net::buffer(buffer_),
                            [this](const boost::system::error_code& ec, std::size_t bytes) {
                                if (stopped_ || ec == net::error::operation_aborted) {
                                    return;
                                }
                                if (ec) {
                                    fall_back("reading inotify events: " + ec.message());
                                    return;
                                }
                                handle_events(bytes);
                                if (!polling_) {
                                    read_events();
                                }
                            });
}

void database_watch::handle_events(std::size_t bytes) {
    bool relevant = false;
    bool folder_gone = false;
    std::size_t at = 0;
    while (at + sizeof(inotify_event) <= bytes) {
        inotify_event event{};
        std::memcpy(&event, buffer_.data() + at, sizeof event);
        if (at + sizeof event + event.len > bytes) {
            break;  // the kernel returns whole events; never read past what it returned
        }
        const char* name = buffer_.data() + at + sizeof event;
        const std::string_view file{name, ::strnlen(name, event.len)};
        if ((event.mask & IN_Q_OVERFLOW) != 0) {
            relevant = true;  // events were dropped: one of them may have been a commit
        } else if ((event.mask & IN_IGNORED) != 0) {
            folder_gone = true;
        } else if (event.len > 0 && (file == names_[0] || file == names_[1] || file == names_[2])) {
            relevant = true;
        }
        at += sizeof event + event.len;
    }
    if (relevant) {
        written();
    }
    if (folder_gone) {
        fall_back("the folder " + folder_.string() + " is no longer watched");
    }
}

void database_watch::written() {
    if (!coalescing_) {
        coalescing_ = true;
        coalesce_timer_.expires_after(options_.coalesce);
        coalesce_timer_.async_wait([this](const boost::system::error_code& ec) {
            coalescing_ = false;
            if (!ec && !stopped_) {
                on_change_();
            }
        });
    }
    if (options_.settle.count() > 0) {
        settle_timer_.expires_after(options_.settle);  // cancels the wait for the earlier write
        settle_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && !stopped_) {
                on_change_();
            }
        });
    }
}

void database_watch::arm_fallback() {
    if (stopped_) {
        return;
    }
    fallback_timer_.expires_after(options_.fallback_every);
    fallback_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) {
            return;
        }
        on_change_();
        arm_fallback();
    });
}

}  // namespace kv::daemon
