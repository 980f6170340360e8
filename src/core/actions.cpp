// SPDX-License-Identifier: Apache-2.0
#include "core/actions.h"

namespace hafd::core {

const char* fieldName(PeerDifference::Field f) {
    // Stable: the daemon's warning lines and status output use them.
    switch (f) {
    case PeerDifference::Field::Version:
        return "version";
    case PeerDifference::Field::Interval:
        return "interval";
    case PeerDifference::Field::Addresses:
        return "addresses";
    case PeerDifference::Field::ChecksumForm:
        return "checksum_form";
    case PeerDifference::Field::Owner:
        return "owner";
    }
    return "?";
}

} // namespace hafd::core
