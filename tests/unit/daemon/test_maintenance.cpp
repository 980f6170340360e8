// SPDX-License-Identifier: Apache-2.0
// Maintenance (daemon/maintenance.h): what is drained survives in the runtime directory, is read
// back as it was written, and a file that says something else is reported by line while the
// rest still applies. A real directory.
#include "daemon/maintenance.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "unit_test.h"

using namespace hafd;
using namespace hafd::daemon;

namespace {

struct Dir {
    std::string path;
    io::RuntimeDir dir;
    Dir() {
        char tmpl[] = "/tmp/hafd-maintenance-test.XXXXXX";
        path = mkdtemp(tmpl);
        auto d = io::RuntimeDir::open(path);
        assert_true(d.ok());
        dir = std::move(*d);
    }
    ~Dir() { std::filesystem::remove_all(path); }
    std::string text() const {
        std::ifstream f(path + "/maintenance");
        return std::string(std::istreambuf_iterator<char>(f), {});
    }
};

void what_is_drained_is_kept_and_read_back(void**) {
    Dir d;
    Maintenance m(d.dir);
    std::string error;
    m.load(error); // no file yet: nothing drained
    assert_string_equal(error.c_str(), "");
    assert_false(m.drained("web"));
    assert_true(m.set("web", true, error));
    assert_true(m.set("db", true, error));
    assert_true(m.drained("web") && m.drained("db") && !m.drained("dns"));
    assert_string_equal(d.text().c_str(), "instance db\ninstance web\n");
    assert_true(m.set("", true, error));
    assert_true(m.drained("dns"));

    Maintenance again(d.dir); // a restart
    again.load(error);
    assert_string_equal(error.c_str(), "");
    assert_true(again.node() && again.drained("web") && again.instances().size() == 2);

    // Off for one instance leaves the node drained; off for the node clears everything.
    assert_true(again.set("web", false, error));
    assert_true(again.drained("web"));
    assert_true(again.set("", false, error));
    assert_false(again.drained("db") || again.drained("web") || again.node());
    assert_string_equal(d.text().c_str(), "");
}

void a_line_it_does_not_understand_is_reported(void**) {
    Dir d;
    std::ofstream(d.path + "/maintenance") << "instance web\ndrain everything\nnode\n";
    Maintenance m(d.dir);
    std::string error;
    m.load(error);
    assert_non_null(
        std::strstr(error.c_str(), "/maintenance:2: not understood: \"drain everything\""));
    assert_true(m.node() && m.drained("web"));
}

void a_file_that_cannot_be_written_changes_nothing(void**) {
    Dir d;
    Maintenance m(d.dir);
    std::string error;
    std::filesystem::create_directory(d.path +
                                      "/maintenance.tmp"); // the temporary cannot be opened
    assert_false(m.set("web", true, error));
    assert_non_null(std::strstr(error.c_str(), "maintenance.tmp"));
    assert_false(m.drained("web"));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(what_is_drained_is_kept_and_read_back),
        cmocka_unit_test(a_line_it_does_not_understand_is_reported),
        cmocka_unit_test(a_file_that_cannot_be_written_changes_nothing),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
