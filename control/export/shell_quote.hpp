#pragma once
// One shell word from any text: generated scripts (taprio/*.sh) put names in commands, and a name
// must stay a name, whatever it holds ($(...), backticks, quotes, spaces, newlines).
#include <string>
#include <string_view>

namespace takt::exporter {

// The text in single quotes, each ' written as '\'' (close, escaped quote, reopen): POSIX sh
// expands nothing inside single quotes, so the word reaches the command byte for byte.
std::string shell_quote(std::string_view text);

// Text for a "# ..." comment line: control characters (newline above all, which would end the
// comment and start a command) become '?'.
std::string shell_comment_text(std::string_view text);

}  // namespace takt::exporter
