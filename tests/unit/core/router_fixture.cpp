// SPDX-License-Identifier: Apache-2.0
#include "router_fixture.h"

#include <algorithm>
#include <cstdlib>

namespace hafd::core::test {

IpAddress ip(const char* text) {
    auto a = IpAddress::parse(text);
    if (!a)
        std::abort(); // a typo in a test
    return *a;
}

config::Instance instance(uint8_t priority) {
    config::Instance i;
    i.name = "web";
    i.interface = "eth0";
    i.vrid = 51;
    i.family = Family::V4;
    i.version = proto::Version::V3;
    i.priority = priority;
    i.advertInterval = 1s;
    i.addresses = {Prefix{ip("192.0.2.100"), 32}};
    return i;
}

IpAddress ourSource() {
    return ip("192.0.2.9");
}

AdvertBuilder::AdvertBuilder(const char* source, uint8_t priority) {
    decoded.advert.version = proto::Version::V3;
    decoded.advert.family = Family::V4;
    decoded.advert.vrid = 51;
    decoded.advert.priority = priority;
    decoded.advert.intervalCs = 100;
    decoded.advert.addresses = {ip("192.0.2.100")};
    decoded.checksumForm = proto::ChecksumForm::PseudoHeader;
    meta.source = ip(source);
    meta.destination = vrrpMulticastGroup(Family::V4);
    meta.hopLimit = 255;
}

AdvertBuilder& AdvertBuilder::interval(uint16_t cs) {
    decoded.advert.intervalCs = cs;
    return *this;
}

AdvertBuilder& AdvertBuilder::version(proto::Version v) {
    decoded.advert.version = v;
    if (v == proto::Version::V2)
        decoded.checksumForm = proto::ChecksumForm::MessageOnly; // what decode() reports for v2
    return *this;
}

AdvertBuilder& AdvertBuilder::addresses(std::vector<IpAddress> list) {
    decoded.advert.addresses = std::move(list);
    return *this;
}

AdvertBuilder& AdvertBuilder::destination(const char* text) {
    meta.destination = ip(text);
    return *this;
}

AdvertBuilder& AdvertBuilder::form(proto::ChecksumForm f) {
    decoded.checksumForm = f;
    return *this;
}

namespace {

struct Renderer {
    std::string& s;
    bool following;
    void operator()(const SendAdvert& a) { s += "send(" + std::to_string(a.priority) + ")"; }
    void operator()(const InstallVips&) { s += "install"; }
    void operator()(const RemoveVips&) { s += "remove"; }
    void operator()(const ChangeVips& a) {
        s += "change(+";
        for (const auto& p : a.added)
            s += p.toString() + (&p == &a.added.back() ? "" : ",");
        s += " -";
        for (const auto& p : a.removed)
            s += p.toString() + (&p == &a.removed.back() ? "" : ",");
        s += ")";
    }
    void operator()(const Announce& a) { s += "announce(" + std::to_string(a.count) + ")"; }
    void operator()(const SendProbe&) { s += "probe"; }
    void operator()(const StateChanged& a) {
        s += std::string("state(") + stateName(a.from) + ">" + stateName(a.to) + " " +
             reasonName(a.reason);
        if (a.to == State::Fault)
            s += "[" + causes(a.faults) + "]";
        s += ")";
    }
    void operator()(const FaultCausesChanged& a) {
        s += "causes(" + causes(a.from) + ">" + causes(a.to) + ")";
    }
    void operator()(const FollowingChanged&) {
        if (following)
            s += "following";
        else if (!s.empty() && s.back() == ' ')
            s.pop_back();
    }
    void operator()(const RemoveStrayVips& a) {
        s += "stray(";
        for (const auto& p : a.vips)
            s += p.toString() + (&p == &a.vips.back() ? "" : ",");
        s += ")";
    }
    static std::string causes(FaultSet f) {
        std::string c = f.toString();
        c.erase(std::remove(c.begin(), c.end(), ' '), c.end());
        return c;
    }
    void operator()(const Dropped& a) {
        s += std::string("drop(") + proto::dropReasonName(a.reason) + ")";
    }
    void operator()(const RunFence& a) {
        s += "fence(" + std::to_string(a.id) + " " +
             (a.master.isUnspecified() ? std::string("?") : a.master.toString()) + ")";
    }
    void operator()(const RunProbe& a) { s += "probe_vips(" + std::to_string(a.id) + ")"; }
    void operator()(const NameSuccessor& a) { s += "name_successor(" + a.node + ")"; }
    void operator()(const PeerDifference& a) {
        s += std::string("diff(") + fieldName(a.field) + " " + a.ours + "/" + a.theirs + ")";
    }
};

} // namespace

std::string render(const std::vector<Action>& actions, bool following) {
    std::string s;
    for (const auto& a : actions) {
        if (!s.empty())
            s += ' ';
        std::visit(Renderer{s, following}, a);
    }
    return s;
}

Event linkUp(bool owner) {
    return BindingChanged{{}, ourSource(), owner};
}

Event linkDown() {
    return BindingChanged{{FaultCause::Link}, IpAddress(), false};
}

VirtualRouter started(const config::Instance& inst) {
    VirtualRouter r(inst);
    (void)r.handle(linkUp(inst.priority == 255), kT0);
    (void)r.handle(Startup{}, kT0);
    return r;
}

VirtualRouter master(const config::Instance& inst, TimePoint& at) {
    VirtualRouter r = started(inst);
    at = r.nextDeadline().value_or(kT0);
    (void)r.onTimeout(at);
    return r;
}

long long deadlineIn(const VirtualRouter& r, TimePoint now) {
    const auto d = r.nextDeadline();
    return d ? us(*d - now) : -1;
}

} // namespace hafd::core::test
