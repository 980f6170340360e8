// SPDX-License-Identifier: Apache-2.0
// A value kept on the heap only when it differs from its default: for the large, mostly empty
// parts of a setting group (an instance's notify commands are ~0.5 KiB of empty lists), so that
// 250 instances do not carry them. Reads as a const T (the default when absent); writes go
// through edit() or an assignment of a T.
#pragma once

#include <memory>
#include <utility>

namespace hafd::config {

template <typename T>
class Boxed {
public:
    Boxed() = default;
    Boxed(T value) { *this = std::move(value); } // NOLINT: implicit, as the T it stands for
    Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(const Boxed& o) {
        if (this != &o)
            p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    Boxed& operator=(T value) {
        if (value == T{})
            p_.reset();
        else
            p_ = std::make_unique<T>(std::move(value));
        return *this;
    }

    const T& operator*() const { return p_ ? *p_ : empty(); }
    const T* operator->() const { return &**this; }
    T& edit() {
        if (!p_)
            p_ = std::make_unique<T>();
        return *p_;
    }

    bool operator==(const Boxed& o) const { return **this == *o; }

private:
    static const T& empty() {
        static const T value{};
        return value;
    }
    std::unique_ptr<T> p_;
};

} // namespace hafd::config
