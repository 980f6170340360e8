// SPDX-License-Identifier: Apache-2.0
// The control commands (DESIGN.md §7): a table of handlers by command name. Each answers through
// its Responder, now or later (a switchover will take seconds), never by blocking the loop, or
// as a stream (events --follow).
// Requests that are not JSON, carry no command or name an unknown one get an error reply.
#pragma once

#include "ctl/json.h"
#include "daemon/control.h"
#include "daemon/event_log.h"

#include <string>
#include <string_view>

namespace hafd::daemon {

// What the commands act on: the daemon.
class ControlTarget {
public:
    virtual ctl::Status status() = 0;
    // Reloads the configuration file; the verdict says what happened.
    virtual ctl::Verdict reload(const char* trigger) = 0;
    // Whether the daemon is shutting down (commands that change something are refused).
    virtual bool stopping() const = 0;
    // The history behind `hafctl events`.
    virtual EventLog& events() = 0;
    // Drains (`on`) or returns the node (instance "") or one instance.
    virtual ctl::Verdict maintenance(const std::string& instance, bool on) = 0;
    // Hands `instance` over to `to` ("" = the first backup); answers when it is over.
    virtual void switchover(const std::string& instance, const std::string& to,
                            const ControlServer::Responder& reply) = 0;

protected:
    ~ControlTarget() = default;
};

class ControlCommands {
public:
    explicit ControlCommands(ControlTarget& target) : target_(target) {}

    // ControlServer's handler.
    void handle(const std::string& line, const ControlServer::Responder& reply);

private:
    using Run = void (ControlCommands::*)(const ctl::Request&, const ControlServer::Responder&);
    struct Command {
        std::string_view name;
        Run run;
    };
    static const Command kCommands[];

    void status(const ctl::Request& request, const ControlServer::Responder& reply);
    void reload(const ctl::Request& request, const ControlServer::Responder& reply);
    void events(const ctl::Request& request, const ControlServer::Responder& reply);
    void maintenance(const ctl::Request& request, const ControlServer::Responder& reply);
    void switchover(const ctl::Request& request, const ControlServer::Responder& reply);

    ControlTarget& target_;
};

} // namespace hafd::daemon
