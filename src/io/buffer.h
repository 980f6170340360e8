// SPDX-License-Identifier: Apache-2.0
// A fixed-size byte buffer that is not zero-filled: receive buffers are sized for the largest
// datagram or netlink reply (64 KiB), but only the bytes the kernel writes are ever touched, so
// only those pages count in the daemon's resident memory (a std::vector would fill them all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hafd::io {

class Buffer {
public:
    Buffer() = default;
    explicit Buffer(std::size_t size) : data_(new uint8_t[size]), size_(size) {}

    uint8_t* data() { return data_.get(); }
    const uint8_t* data() const { return data_.get(); }
    std::size_t size() const { return size_; }

private:
    std::unique_ptr<uint8_t[]> data_;
    std::size_t size_ = 0;
};

} // namespace hafd::io
