// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

#include "io_test.h"

namespace iotest {

namespace {

[[noreturn]] void skipTest(const char* why) {
    std::fprintf(stderr, "skipped: %s\n", why);
    std::exit(77);
}

void disableDad() {
    writeSysctl("net/ipv6/conf/all/accept_dad", "0");
    writeSysctl("net/ipv6/conf/default/accept_dad", "0");
}

} // namespace

void enterPrivateNetns() {
    if (geteuid() != 0)
        skipTest("needs root");
    if (unshare(CLONE_NEWNET) < 0)
        skipTest("unshare(CLONE_NEWNET) failed");
    if (run({"ip", "link", "set", "lo", "up"}) != 0)
        skipTest("cannot run ip(8)");
    disableDad();
}

int currentNamespace() {
    const int fd = open("/proc/self/ns/net", O_RDONLY);
    assert_true(fd >= 0);
    return fd;
}

void enterNamespace(int fd) {
    assert_int_equal(setns(fd, CLONE_NEWNET), 0);
}

int newNamespace() {
    const int home = currentNamespace();
    assert_int_equal(unshare(CLONE_NEWNET), 0);
    const int fd = currentNamespace(); // not O_CLOEXEC: `ip` reaches it as /proc/self/fd/N
    mustRun({"ip", "link", "set", "lo", "up"});
    disableDad();
    enterNamespace(home);
    close(home);
    return fd;
}

void inNamespace(int fd, const std::function<void()>& body) {
    const int home = currentNamespace();
    enterNamespace(fd);
    body();
    enterNamespace(home);
    close(home);
}

int run(std::initializer_list<const char*> argv) {
    std::vector<char*> args;
    for (const char* a : argv)
        args.push_back(const_cast<char*>(a));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execvp(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string capture(std::initializer_list<const char*> argv) {
    std::vector<char*> args;
    for (const char* a : argv)
        args.push_back(const_cast<char*>(a));
    args.push_back(nullptr);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("command failed: %s", args[0]);
    return out;
}

void mustRun(std::initializer_list<const char*> argv) {
    const int rc = run(argv);
    if (rc != 0) {
        std::string line;
        for (const char* a : argv)
            line += std::string(a) + " ";
        fail_msg("command failed (%d): %s", rc, line.c_str());
    }
}

void writeSysctl(const std::string& path, const std::string& value) {
    const std::string full = "/proc/sys/" + path;
    const int fd = open(full.c_str(), O_WRONLY);
    if (fd < 0)
        fail_msg("open %s: %s", full.c_str(), std::strerror(errno));
    const ssize_t n = write(fd, value.data(), value.size());
    close(fd);
    if (n != static_cast<ssize_t>(value.size()))
        fail_msg("write %s", full.c_str());
}

std::string readSysctl(const std::string& path) {
    const std::string full = "/proc/sys/" + path;
    const int fd = open(full.c_str(), O_RDONLY);
    if (fd < 0)
        return "";
    char buf[64] = {};
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!s.empty() && s.back() == '\n')
        s.pop_back();
    return s;
}

uint32_t vethPairUp() {
    mustRun({"ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"});
    mustRun({"ip", "link", "set", "va", "up"});
    mustRun({"ip", "link", "set", "vb", "up"});
    return ifindex("va");
}

uint32_t ifindex(const char* name) {
    const unsigned idx = if_nametoindex(name);
    if (idx == 0)
        fail_msg("no interface %s", name);
    return idx;
}

hafd::proto::MacAddress macOf(const char* name) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    const int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    close(fd);
    assert_int_equal(rc, 0);
    hafd::proto::MacAddress mac{};
    std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, 6);
    return mac;
}

hafd::IpAddress linkLocalOf(const char* name) {
    const unsigned idx = ifindex(name);
    for (int i = 0; i < 200; ++i) {
        FILE* f = std::fopen("/proc/net/if_inet6", "r");
        if (f) {
            char hex[33];
            unsigned index, plen, scope, flags;
            char dev[IFNAMSIZ + 1];
            while (std::fscanf(f, "%32s %x %x %x %x %16s", hex, &index, &plen, &scope, &flags,
                               dev) == 6) {
                if (index != idx || std::strncmp(hex, "fe80", 4) != 0)
                    continue;
                uint8_t raw[16];
                for (int b = 0; b < 16; ++b) {
                    unsigned v = 0;
                    std::sscanf(hex + 2 * b, "%2x", &v);
                    raw[b] = static_cast<uint8_t>(v);
                }
                std::fclose(f);
                return hafd::IpAddress(hafd::Family::V6, raw);
            }
            std::fclose(f);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    fail_msg("no link-local on %s", name);
    return {};
}

void waitIpv6Ready(const char* ifname) {
    for (int i = 0; i < 300; ++i) {
        FILE* f = std::fopen("/proc/net/ipv6_route", "r");
        char line[256];
        while (f && std::fgets(line, sizeof line, f)) {
            char dest[33] = {}, dev[IFNAMSIZ + 1] = {};
            unsigned plen = 0;
            if (std::sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %16s", dest, &plen, dev) ==
                    3 &&
                std::strncmp(dest, "ff00", 4) == 0 && plen == 8 && std::strcmp(dev, ifname) == 0) {
                std::fclose(f);
                return;
            }
        }
        if (f)
            std::fclose(f);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    fail_msg("IPv6 multicast route on %s never appeared", ifname);
}

// The kernel joins an address's solicited-node group from a work item after the address is added,
// so a neighbour solicitation sent in between finds a macvlan that is not listening yet.
void waitSolicitedNodeJoined(const char* ifname, const hafd::IpAddress& address) {
    const auto& b = address.bytes();
    char group[33];
    std::snprintf(group, sizeof group, "ff0200000000000000000001ff%02x%02x%02x", b[13], b[14],
                  b[15]);
    for (int i = 0; i < 300; ++i) {
        FILE* f = std::fopen("/proc/net/igmp6", "r");
        char line[256];
        while (f && std::fgets(line, sizeof line, f)) {
            char dev[IFNAMSIZ + 1] = {}, addr[33] = {};
            if (std::sscanf(line, "%*d %16s %32s", dev, addr) == 2 &&
                std::strcmp(dev, ifname) == 0 && std::strcmp(addr, group) == 0) {
                std::fclose(f);
                return;
            }
        }
        if (f)
            std::fclose(f);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    fail_msg("%s never joined the solicited-node group of %s", ifname, address.toString().c_str());
}

hafd::IpAddress ip(const char* text) {
    const auto a = hafd::IpAddress::parse(text);
    if (!a)
        fail_msg("bad address %s", text);
    return *a;
}

hafd::Prefix prefix(const char* text) {
    const auto p = hafd::Prefix::parse(text);
    if (!p)
        fail_msg("bad prefix %s", text);
    return *p;
}

int openPacketListener(const char* ifname) {
    const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    assert_true(fd >= 0);
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ALL);
    ll.sll_ifindex = static_cast<int>(ifindex(ifname));
    assert_int_equal(bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll), 0);
    const int size = 32 << 20;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size), 0);
    return fd;
}

std::vector<uint8_t> nextFrame(int fd,
                               const std::function<bool(const std::vector<uint8_t>&)>& match,
                               std::chrono::milliseconds timeout) {
    const double deadline = nowUs() + static_cast<double>(timeout.count()) * 1e3;
    std::vector<uint8_t> frame(2048);
    while (nowUs() < deadline) {
        if (!waitReadable(fd, std::chrono::milliseconds(50)))
            continue;
        sockaddr_ll from{};
        socklen_t len = sizeof from;
        const ssize_t n = recvfrom(fd, frame.data(), 2048, MSG_DONTWAIT,
                                   reinterpret_cast<sockaddr*>(&from), &len);
        if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
            continue;
        std::vector<uint8_t> got(frame.begin(), frame.begin() + n);
        if (match(got))
            return got;
    }
    return {};
}

bool waitReadable(int fd, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

double nowUs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

} // namespace iotest
