// SPDX-License-Identifier: Apache-2.0
// The parsed file as a plain tree: what libconfig read, with no libconfig type in sight. The parser
// builds it; the schema walk (section.h) and the builders read it. Internal to config/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hafd::config {

struct Node {
    // libconfig's value kinds: `[ ... ]` is an Array (scalars of one kind), `( ... )` a List.
    enum class Kind : uint8_t { Int, Float, String, Bool, Group, Array, List };

    Kind kind = Kind::Group;
    std::string name; // empty for list and array elements and the root
    int file = 0;     // index into Document::files
    int line = 0;     // 1-based; the root has 0

    int64_t integer = 0;        // Kind::Int (libconfig int and int64)
    double number = 0;          // Kind::Float
    bool boolean = false;       // Kind::Bool
    std::string text;           // Kind::String
    std::vector<Node> children; // Group, Array, List, in file order

    // The child setting called `n`, or null (groups only).
    const Node* find(const std::string& n) const {
        for (const auto& c : children)
            if (c.name == n)
                return &c;
        return nullptr;
    }
};

// A parsed file: the tree and the files it was read from (the main file first, then each
// @include in the order met), which Node::file indexes.
struct Document {
    std::vector<std::string> files;
    Node root;
};

} // namespace hafd::config
