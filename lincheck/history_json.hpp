#pragma once
// The history file format (lincheck/FORMAT.md) <-> History. nlohmann_json parses; this is the
// only part of lincheck/ that uses anything beyond the standard library.

#include <stdexcept>
#include <string>
#include <string_view>

#include "lincheck/history.hpp"

namespace lincheck {

// A history that cannot be checked: not JSON, not the format, or a HistoryProblem. Names the
// file and the place: "line 3, column 7" for syntax, a JSON pointer ("/operations/17") for
// the rest.
class HistoryError : public std::runtime_error {
public:
    HistoryError(std::string file, std::string position, const std::string& message)
        : std::runtime_error(file + ": " + position + ": " + message), file_(std::move(file)), position_(std::move(position)) {}
    const std::string& file() const { return file_; }
    const std::string& position() const { return position_; }

private:
    std::string file_;
    std::string position_;
};

// Parses and checks a history (find_problem included). `source` names it in errors.
History parse_history(std::string_view text, const std::string& source);
History read_history_file(const std::string& path);

// The format, one operation per line, fields in a fixed order: the same history gives the
// same bytes.
std::string write_history(const History& history);
// One operation as a JSON object (the same fields), for reports.
std::string operation_json(const Operation& op);

}  // namespace lincheck
