// SPDX-License-Identifier: Apache-2.0
// The metrics outputs (daemon/metrics_textfile.h, daemon/metrics_http.h): the textfile written at
// once and at every interval, moved and removed by configure(), a failing write counted each
// time and logged once per error, the last words at a stop; the listener's routing.
#include "daemon/metrics_textfile.h"

#include "daemon/metrics_http.h"

#include "log_capture.h"
#include "unit_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;

namespace {

const TimePoint kT0 = TimePoint{} + 1000s;

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

// A scratch directory, and a scheduler whose hardware timer the test fires by hand.
struct Rig {
    std::string dir;
    std::optional<TimePoint> armed;
    Scheduler scheduler{[this](std::optional<TimePoint> t) {
        armed = t;
    }};
    int renders = 0;
    MetricsTextfile textfile{scheduler, [this] {
                                 return "hafd_up 1\nrender " + std::to_string(++renders) + "\n";
                             }};

    Rig() {
        char tmpl[] = "/tmp/hafd-metrics-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~Rig() { (void)std::system(("rm -rf '" + dir + "'").c_str()); }
    static std::optional<config::Metrics> metrics(const std::string& path,
                                                  Duration interval = 10s) {
        config::Metrics m;
        m.textfile = path;
        m.textfileInterval = interval;
        return m;
    }
};

void textfile_is_written_at_once_and_every_interval(void**) {
    Rig r;
    const std::string path = r.dir + "/hafd.prom";
    r.textfile.configure(Rig::metrics(path, 2s), kT0);
    assert_string_equal(read(path).c_str(), "hafd_up 1\nrender 1\n");
    assert_true(r.armed == kT0 + 2s);
    r.scheduler.fire(kT0 + 2s);
    assert_string_equal(read(path).c_str(), "hafd_up 1\nrender 2\n");
    assert_true(r.armed == kT0 + 4s);
    assert_int_equal(r.textfile.writes(), 2);
    struct stat st {};
    assert_int_equal(::stat(path.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644); // node_exporter runs as a user of its own
    // A new interval applies from now, without a write of its own.
    r.textfile.configure(Rig::metrics(path, 5s), kT0 + 3s);
    assert_int_equal(r.textfile.writes(), 2);
    r.scheduler.fire(kT0 + 4s); // the old interval's deadline: gone
    assert_int_equal(r.textfile.writes(), 2);
    r.scheduler.fire(kT0 + 8s);
    assert_int_equal(r.textfile.writes(), 3);
}

void a_new_path_removes_the_old_file(void**) {
    Rig r;
    const std::string a = r.dir + "/a.prom";
    const std::string b = r.dir + "/b.prom";
    r.textfile.configure(Rig::metrics(a), kT0);
    r.textfile.configure(Rig::metrics(b), kT0 + 1s);
    assert_false(exists(a));
    assert_true(exists(b));
    assert_string_equal(r.textfile.path().c_str(), b.c_str());
    // No textfile any more: removed, and the timer stops.
    r.textfile.configure(std::nullopt, kT0 + 2s);
    assert_false(exists(b));
    r.scheduler.fire(kT0 + 60s);
    assert_false(exists(b));
    assert_int_equal(r.renders, 2);
    r.textfile.finish("hafd_up 0\n");
    assert_false(exists(b));
}

void failures_are_counted_every_time_and_logged_once_per_error(void**) {
    const test::LogCapture log;
    Rig r;
    const std::string sub = r.dir + "/gone";
    const std::string path = sub + "/hafd.prom";
    r.textfile.configure(Rig::metrics(path, 1s), kT0);
    r.scheduler.fire(kT0 + 1s);
    r.scheduler.fire(kT0 + 2s);
    assert_int_equal(r.textfile.failures(), 3);
    assert_int_equal(r.textfile.writes(), 0);
    assert_int_equal(log.count("metrics.textfile: cannot write " + path), 1);
    assert_true(r.textfile.lastError().find("No such file or directory") != std::string::npos);
    // The directory appears: written, said once, and the error is gone.
    assert_int_equal(::mkdir(sub.c_str(), 0755), 0);
    r.scheduler.fire(kT0 + 3s);
    r.scheduler.fire(kT0 + 4s);
    assert_int_equal(r.textfile.writes(), 2);
    assert_int_equal(log.count("written again"), 1);
    assert_string_equal(r.textfile.lastError().c_str(), "");
    // Nothing but the file is left in the directory: no temporary file.
    assert_int_equal(std::system(("test $(ls -A '" + sub + "' | wc -l) -eq 1").c_str()), 0);
}

void finish_leaves_the_last_words(void**) {
    Rig r;
    const std::string path = r.dir + "/hafd.prom";
    r.textfile.configure(Rig::metrics(path), kT0);
    r.textfile.finish("hafd_up 0\n");
    assert_string_equal(read(path).c_str(), "hafd_up 0\n");
    r.scheduler.fire(kT0 + 60s); // nothing rewrites it after the stop
    assert_string_equal(read(path).c_str(), "hafd_up 0\n");
}

void listener_serves_metrics_only(void**) {
    const MetricsListener::Render render = [] {
        return std::string("hafd_up 1\n");
    };
    auto ok = MetricsListener::answer("GET", "/metrics", render);
    assert_int_equal(ok.status, 200);
    assert_string_equal(ok.contentType.c_str(), "text/plain; version=0.0.4; charset=utf-8");
    assert_string_equal(ok.body.c_str(), "hafd_up 1\n");
    assert_int_equal(MetricsListener::answer("HEAD", "/metrics", render).status, 200);
    assert_int_equal(MetricsListener::answer("GET", "/", render).status, 404);
    assert_int_equal(MetricsListener::answer("GET", "/metrics/", render).status, 404);
    assert_int_equal(MetricsListener::answer("POST", "/other", render).status, 404);
    const auto post = MetricsListener::answer("POST", "/metrics", render);
    assert_int_equal(post.status, 405);
    assert_true(post.headers.size() == 1 && post.headers[0].first == "Allow" &&
                post.headers[0].second == "GET, HEAD");
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(textfile_is_written_at_once_and_every_interval),
        cmocka_unit_test(a_new_path_removes_the_old_file),
        cmocka_unit_test(failures_are_counted_every_time_and_logged_once_per_error),
        cmocka_unit_test(finish_leaves_the_last_words),
        cmocka_unit_test(listener_serves_metrics_only),
    };
    return cmocka_run_group_tests_name("daemon-metrics-outputs", tests, nullptr, nullptr);
}
