// gprkit error hierarchy: every failure a caller can act on is one of these.
#pragma once
#include <stdexcept>
#include <string>

namespace gprkit {

/// Base of every gprkit exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An argument (value, shape, option) is outside what the function accepts.
/// The message names the argument, its value and what was expected.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A file's content does not follow its format (bad magic, truncated, absurd header).
class FormatError : public Error {
 public:
  using Error::Error;
};

/// The operating system refused a read or write.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace gprkit
