// SPDX-License-Identifier: Apache-2.0
#include "daemon/key_files.h"

#include "config/load.h"
#include "hostcheck/files.h"

#include <openssl/crypto.h>

namespace hafd::daemon {

namespace {

Result<void> readInto(std::map<std::string, std::shared_ptr<const proto::auth::Key>>& keys,
                      const config::Auth& auth) {
    for (const config::AuthKey& k : auth.keys) {
        if (keys.contains(k.file))
            continue;
        auto bytes = hostcheck::readKey(k.file);
        const auto fail = [&](const std::string& why) {
            return Unexpected{Error{config::diagnose(k.where, config::Diagnostic::Severity::Error,
                                                     "\"" + k.file + "\" " + why)
                                        .toString()}};
        };
        if (!bytes)
            return fail(bytes.error().message);
        auto key = proto::auth::Key::create(*bytes);
        OPENSSL_cleanse(bytes->data(), bytes->size());
        if (!key)
            return fail(key.error().message);
        keys.emplace(k.file, std::make_shared<const proto::auth::Key>(std::move(*key)));
    }
    return {};
}

} // namespace

Result<KeyFiles> KeyFiles::read(const config::Config& config) {
    KeyFiles out;
    if (config.auth)
        if (auto r = readInto(out.keys_, *config.auth); !r)
            return Unexpected{r.error()};
    for (const auto& i : config.instances)
        if (i.auth)
            if (auto r = readInto(out.keys_, *i.auth); !r)
                return Unexpected{r.error()};
    return out;
}

proto::auth::KeyRing KeyFiles::ring(const config::Auth& auth) const {
    std::vector<proto::auth::KeyRing::Entry> entries;
    for (const config::AuthKey& k : auth.keys)
        if (const auto it = keys_.find(k.file); it != keys_.end())
            entries.push_back({k.id, it->second});
    return proto::auth::KeyRing(std::move(entries), auth.activeKey);
}

} // namespace hafd::daemon
