// SPDX-License-Identifier: Apache-2.0
// Shared by the io tests (tests/io): cmocka from C++ (TOOLCHAIN.md §1) and helpers for private
// network namespaces. Every test executable that touches the network calls
// enterPrivateNetns() first, so it never changes the root namespace and needs no cleanup: the
// namespaces vanish with the process. cmocka longjmps out of a failing test, so destructors in
// that test do not run; nothing here depends on them.
//
// cmocka defines the macros fail() and skip(), which clash with std::basic_ios::fail() and
// hafd::fail(): include this header after every other one.
#pragma once

#include "common/address.h"
#include "proto/frames.h"

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <csetjmp>
#include <cstdarg>
#include <cstddef>
#include <cstdint>

extern "C" {
#include <cmocka.h>
}

namespace iotest {

// Exits 77 (skipped) unless the process is root and can unshare(CLONE_NEWNET) and run `ip`.
// On return the process is alone in a fresh namespace with DAD off for new interfaces.
void enterPrivateNetns();

// A further namespace: returns an fd for it (not close-on-exec, so `ip ... netns
// /proc/self/fd/N` works); the calling process stays where it is. DAD is off in it too.
int newNamespace();
// The namespace the process is in now.
int currentNamespace();
// Moves the process (single-threaded) into namespace `fd`.
void enterNamespace(int fd);
// Runs `body` inside namespace `fd`, then returns to the one we were in.
void inNamespace(int fd, const std::function<void()>& body);

// Runs argv (no shell) in the current namespace; returns the exit status (-1 if it could not run).
int run(std::initializer_list<const char*> argv);
// Runs argv and returns what it printed on stdout (fails the test unless it exits 0).
std::string capture(std::initializer_list<const char*> argv);
// Same, and fails the test unless it exits 0.
void mustRun(std::initializer_list<const char*> argv);

// Writes a sysctl file under /proc/sys/ (in the current namespace); fails the test on error.
void writeSysctl(const std::string& path, const std::string& value);
std::string readSysctl(const std::string& path);

uint32_t ifindex(const char* name);
// A veth pair va <-> vb in the current namespace, both up; returns va's index.
uint32_t vethPairUp();
hafd::proto::MacAddress macOf(const char* name);
// The first IPv6 link-local of `name` (waits up to 2 s for the kernel to make it).
hafd::IpAddress linkLocalOf(const char* name);

hafd::IpAddress ip(const char* text);
hafd::Prefix prefix(const char* text);

// Waits (up to 3 s) until IPv6 on `ifname` is ready to receive multicast: the kernel installs the
// ff00::/8 route of a link up to a second after the link gets carrier, and drops multicast to it
// until then (Ip6InNoRoutes).
void waitIpv6Ready(const char* ifname);
// Waits (up to 3 s) until ifname listens to the solicited-node group of address.
void waitSolicitedNodeJoined(const char* ifname, const hafd::IpAddress& address);

// A PF_PACKET/ETH_P_ALL socket bound to `ifname` (current namespace) with a 32 MiB buffer.
int openPacketListener(const char* ifname);
// The next incoming frame on `fd` (outgoing ones skipped) for which `match` is true, or an empty
// vector after `timeout`.
std::vector<uint8_t> nextFrame(int fd,
                               const std::function<bool(const std::vector<uint8_t>&)>& match,
                               std::chrono::milliseconds timeout);

// Waits until `fd` is readable or `timeout` passes; true if readable.
bool waitReadable(int fd, std::chrono::milliseconds timeout);

// Microseconds on CLOCK_MONOTONIC, for measurements.
double nowUs();

} // namespace iotest
