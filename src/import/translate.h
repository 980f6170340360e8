// SPDX-License-Identifier: Apache-2.0
// keepalived's configuration tree -> an annotated hafd.conf and the findings that need a
// person: what hafd does not do, what it does differently, what could not be read. Pure: no
// I/O. Every keepalived setting is either translated, translated with a comment saying how
// the behaviour is kept, or reported; none is dropped silently.
#pragma once

#include "import/tree.h"

#include <string>
#include <vector>

namespace hafd::import {

struct Translation {
    std::string text; // hafd.conf
    std::vector<Finding> findings;
    bool unusable = false; // no vrrp_instance at all
};

// `source` names the input in the header comment of the output.
Translation translate(const std::vector<KNode>& statements, const std::string& source);

} // namespace hafd::import
