// SPDX-License-Identifier: Apache-2.0
#include "daemon/control_commands.h"

namespace hafd::daemon {

const ControlCommands::Command ControlCommands::kCommands[] = {
    {"status", &ControlCommands::status},         {"reload", &ControlCommands::reload},
    {"events", &ControlCommands::events},         {"maintenance", &ControlCommands::maintenance},
    {"switchover", &ControlCommands::switchover},
};

void ControlCommands::handle(const std::string& line, const ControlServer::Responder& reply) {
    std::string error;
    const auto request = ctl::parseRequest(line, error);
    if (!request) {
        reply.send(ctl::formatErrorReply(error));
        return;
    }
    for (const Command& c : kCommands)
        if (c.name == request->command) {
            (this->*c.run)(*request, reply);
            return;
        }
    reply.send(ctl::formatErrorReply("unknown command '" + request->command + "'"));
}

void ControlCommands::status(const ctl::Request&, const ControlServer::Responder& reply) {
    reply.send(ctl::formatStatusReply(target_.status()));
}

void ControlCommands::reload(const ctl::Request&, const ControlServer::Responder& reply) {
    if (target_.stopping()) {
        reply.send(ctl::formatErrorReply("hafd is shutting down"));
        return;
    }
    reply.send(ctl::formatVerdictReply(target_.reload("hafctl reload")));
}

void ControlCommands::events(const ctl::Request& request, const ControlServer::Responder& reply) {
    target_.events().serve(request.since, request.follow, reply);
}

void ControlCommands::maintenance(const ctl::Request& request,
                                  const ControlServer::Responder& reply) {
    if (!request.on) {
        reply.send(ctl::formatErrorReply("maintenance needs \"on\": true or false"));
        return;
    }
    if (target_.stopping()) {
        reply.send(ctl::formatErrorReply("hafd is shutting down"));
        return;
    }
    reply.send(ctl::formatVerdictReply(target_.maintenance(request.instance, *request.on)));
}

void ControlCommands::switchover(const ctl::Request& request,
                                 const ControlServer::Responder& reply) {
    if (request.instance.empty()) {
        reply.send(ctl::formatErrorReply("switchover needs \"instance\""));
        return;
    }
    if (target_.stopping()) {
        reply.send(ctl::formatErrorReply("hafd is shutting down"));
        return;
    }
    target_.switchover(request.instance, request.to, reply);
}

} // namespace hafd::daemon
