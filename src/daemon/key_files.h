// SPDX-License-Identifier: Apache-2.0
// The auth keys of a configuration (AUTH_HMAC.md §8): every key file it names read once per
// load (start, reload), each key set up once for OpenSSL and shared by the instances naming the
// same file. Re-read on every reload, so a key file rewritten in place takes effect then.
#pragma once

#include "common/result.h"
#include "config/config.h"
#include "proto/auth.h"

#include <map>
#include <memory>
#include <string>

namespace hafd::daemon {

class KeyFiles {
public:
    // Reads every key file of `config` (the top level's auth and the instances' own). The
    // loader's host checks have judged them already (private, 32..64 bytes); an error here means
    // a file changed in between, and names it with its setting.
    static Result<KeyFiles> read(const config::Config& config);

    // The ring of `auth`: every key it lists, the active one signing. Precondition: `auth`
    // belongs to the configuration these were read from.
    proto::auth::KeyRing ring(const config::Auth& auth) const;

private:
    std::map<std::string, std::shared_ptr<const proto::auth::Key>> keys_; // by file
};

} // namespace hafd::daemon
