// SPDX-License-Identifier: Apache-2.0
// Result<T, E>: a value or an error, for a compiler (g++ 12) without std::expected.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hafd {

// The default error: a message fit for an operator's eyes.
struct Error {
    std::string message;
};

// Wraps an error so that Result's constructors are never ambiguous, even where T and E are the
// same type: `return Unexpected{DropReason::TooShort};`.
template <typename E>
struct Unexpected {
    E error;
};
template <typename E>
Unexpected(E) -> Unexpected<E>;

template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <typename U>
    Result(Unexpected<U> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Preconditions: ok() for value(), !ok() for error().
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const E& error() const { return std::get<1>(v_); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, E> v_;
};

// Result<void>: success or an error.
template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    template <typename U>
    Result(Unexpected<U> e) : error_(E(std::move(e.error))), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const E& error() const { return error_; }

private:
    E error_{};
    bool ok_ = true;
};

// Shorthand for the common case: `return fail("interface %s not found")`.
inline Unexpected<Error> fail(std::string message) {
    return Unexpected<Error>{{std::move(message)}};
}

} // namespace hafd
