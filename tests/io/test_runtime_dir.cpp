// SPDX-License-Identifier: Apache-2.0
// io::RuntimeDir: created 0750, locked (a second open is busy, as a second hafd would be), the
// VIP record written atomically and read back. Needs no root and no namespace.
#include "io/runtime_dir.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "io_test.h"

using namespace hafd;
using namespace iotest;

namespace {

std::string gBase;

void removeTree() {
    for (const char* f : {"/run/hafd.lock", "/run/vips", "/run/vips.tmp"})
        unlink((gBase + f).c_str());
    rmdir((gBase + "/run").c_str());
}

int setup(void**) {
    char tmpl[] = "/tmp/hafd-io-rundir-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    gBase = tmpl;
    return 0;
}

int teardown(void**) {
    removeTree();
    rmdir(gBase.c_str());
    return 0;
}

void created_with_mode_0750_and_locked(void**) {
    const std::string path = gBase + "/run";
    const mode_t old = umask(0);
    auto d = io::RuntimeDir::open(path);
    umask(old);
    if (!d)
        fail_msg("%s", d.error().message().c_str());
    struct stat st {};
    assert_int_equal(stat(path.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0750);
    std::ifstream pid(d->file("hafd.lock"));
    int written = 0;
    pid >> written;
    assert_int_equal(written, getpid());

    auto second = io::RuntimeDir::open(path);
    assert_false(second.ok());
    assert_true(io::RuntimeDir::isBusy(second.error()));
    assert_int_equal(second.error().code, EWOULDBLOCK);

    // Released with the first: a new daemon can take over.
    d = io::RuntimeDir{};
    auto third = io::RuntimeDir::open(path);
    assert_true(third.ok());
}

void lock_is_released_when_the_holder_dies(void**) {
    const std::string path = gBase + "/run";
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        auto d = io::RuntimeDir::open(path);
        _exit(d.ok() ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(io::RuntimeDir::open(path).ok());
}

void vip_record_round_trip(void**) {
    auto d = io::RuntimeDir::open(gBase + "/run");
    assert_true(d.ok());
    auto none = d->readVips();
    assert_true(none.ok());
    assert_true(none->empty());

    const std::vector<io::InstalledVip> vips{{"eth0", prefix("198.51.100.10/24")},
                                             {"vrrp6.52", prefix("2001:db8::100/64")},
                                             {"eth1", prefix("203.0.113.5/32")}};
    assert_true(d->writeVips(vips).ok());
    auto back = d->readVips();
    assert_true(back.ok());
    assert_true(*back == vips);
    assert_int_equal(access(d->file("vips.tmp").c_str(), F_OK), -1); // renamed away

    assert_true(d->writeVips({vips[1]}).ok()); // replaces, never appends
    back = d->readVips();
    assert_true(back.ok());
    assert_int_equal(back->size(), 1);
    assert_true((*back)[0] == vips[1]);

    // Garbage lines are skipped.
    {
        std::ofstream f(d->file("vips"));
        f << "eth0 198.51.100.10/24\nnonsense\n\neth2 not-a-prefix\neth3 192.0.2.7\n";
    }
    back = d->readVips();
    assert_true(back.ok());
    assert_int_equal(back->size(), 2);
    assert_true((*back)[1].prefix == prefix("192.0.2.7/32"));
    assert_true(d->writeVips({}).ok());
    back = d->readVips();
    assert_true(back.ok() && back->empty());
}

void a_file_in_the_way_is_an_error(void**) {
    const std::string path = gBase + "/file";
    { std::ofstream f(path); }
    auto d = io::RuntimeDir::open(path);
    assert_false(d.ok());
    assert_int_equal(d.error().code, ENOTDIR);
    unlink(path.c_str());
}

} // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(created_with_mode_0750_and_locked),
        cmocka_unit_test(lock_is_released_when_the_holder_dies),
        cmocka_unit_test(vip_record_round_trip),
        cmocka_unit_test(a_file_in_the_way_is_an_error),
    };
    return cmocka_run_group_tests_name("io-runtime-dir", tests, setup, teardown);
}
