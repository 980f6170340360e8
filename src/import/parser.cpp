// SPDX-License-Identifier: Apache-2.0
#include "import/parser.h"

#include <optional>
#include <string_view>
#include <utility>

namespace hafd::import {

namespace {

struct Token {
    std::string text;
    bool quoted = false;
};

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Bytes no keepalived.conf holds: NUL and the control characters other than blanks.
bool isBinary(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && !isBlank(c) && c != '\n';
}

// The words of one line; `unclosed` when a quote runs to its end.
std::vector<Token> tokenize(std::string_view line, bool& unclosed) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (isBlank(c)) {
            ++i;
        } else if (c == '#' || c == '!') {
            break;
        } else if (c == '{' || c == '}') {
            out.push_back({std::string(1, c), false});
            ++i;
        } else if (c == '"') {
            const std::size_t end = line.find('"', i + 1);
            unclosed = end == std::string_view::npos;
            const std::size_t stop = unclosed ? line.size() : end;
            out.push_back({std::string(line.substr(i + 1, stop - i - 1)), true});
            i = unclosed ? line.size() : end + 1;
        } else {
            std::size_t j = i;
            while (j < line.size() && !isBlank(line[j]) && line[j] != '{' && line[j] != '}' &&
                   line[j] != '"' && line[j] != '#' && line[j] != '!')
                ++j;
            out.push_back({std::string(line.substr(i, j - i)), false});
            i = j;
        }
    }
    return out;
}

// include and its variants, which differ only in how strictly keepalived checks the matches.
bool isInclude(std::string_view word) {
    return word == "include" || word == "includer" || word == "includem" || word == "includew" ||
           word == "includeb";
}

// An include line's keyword and its pattern: the rest of the line without the comment and
// the quotes around it; nullopt when the line is no include line.
std::optional<std::pair<std::string, std::string>> includePattern(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && isBlank(line[i]))
        ++i;
    std::size_t j = i;
    while (j < line.size() && !isBlank(line[j]))
        ++j;
    const std::string_view keyword = line.substr(i, j - i);
    if (!isInclude(keyword))
        return std::nullopt;
    std::string_view rest = line.substr(j);
    bool quoted = false;
    for (std::size_t k = 0; k < rest.size(); ++k) {
        if (rest[k] == '"')
            quoted = !quoted;
        else if (!quoted && (rest[k] == '#' || rest[k] == '!'))
            rest = rest.substr(0, k);
    }
    while (!rest.empty() && isBlank(rest.front()))
        rest.remove_prefix(1);
    while (!rest.empty() && isBlank(rest.back()))
        rest.remove_suffix(1);
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"')
        rest = rest.substr(1, rest.size() - 2);
    return std::pair(std::string(keyword), std::string(rest));
}

class Parser {
public:
    Parser(const IncludeResolver& resolve, ParseResult& result) : resolve_(resolve), r_(result) {}

    // Parses `src` into `into`; `depth` counts the includes around it.
    void file(const Source& src, std::vector<KNode>& into, int includeDepth) {
        std::vector<std::vector<KNode>*> stack{&into};
        std::string_view text = src.text;
        int lineNo = 0;
        bool binaryReported = false;
        while (!text.empty() && !r_.unusable) {
            ++lineNo;
            const std::size_t nl = text.find('\n');
            const std::string_view line = text.substr(0, nl);
            text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
            for (const char c : line) {
                if (isBinary(c) && !binaryReported) {
                    r_.findings.push_back({src.name, lineNo, "",
                                           "binary data: not a keepalived "
                                           "configuration"});
                    r_.unusable = binaryReported = true;
                }
            }
            if (r_.unusable)
                break;
            // keepalived reads an include line before splitting it into words, so a pattern
            // keeps its csh-style braces.
            if (const auto pattern = includePattern(line)) {
                KNode at{src.name,       lineNo, {pattern->first, pattern->second},
                         {false, false}, false,  {}};
                flush(at, *stack.back(), includeDepth);
                continue;
            }
            bool unclosed = false;
            const std::vector<Token> tokens = tokenize(line, unclosed);
            if (unclosed)
                r_.findings.push_back(
                    {src.name, lineNo, "", "a quote is not closed on its line: closed at its end"});
            KNode cur{src.name, lineNo, {}, {}, false, {}};
            for (const Token& t : tokens) {
                if (!t.quoted && t.text == "{") {
                    open(cur, stack, src.name, lineNo);
                    cur = KNode{src.name, lineNo, {}, {}, false, {}};
                } else if (!t.quoted && t.text == "}") {
                    flush(cur, *stack.back(), includeDepth);
                    cur = KNode{src.name, lineNo, {}, {}, false, {}};
                    if (stack.size() == 1)
                        r_.findings.push_back(
                            {src.name, lineNo, "", "a } closes no block: ignored"});
                    else
                        stack.pop_back();
                } else {
                    cur.words.push_back(t.text);
                    cur.quoted.push_back(t.quoted);
                }
                if (r_.unusable)
                    return;
            }
            flush(cur, *stack.back(), includeDepth);
        }
        if (stack.size() > 1 && !r_.unusable)
            r_.findings.push_back(
                {src.name, lineNo, "",
                 std::to_string(stack.size() - 1) + " block(s) not closed at the end of the file"});
    }

private:
    // `{`: the block of the statement on this line, or of the last one before it.
    void open(KNode& cur, std::vector<std::vector<KNode>*>& stack, const std::string& file,
              int line) {
        if (static_cast<int>(stack.size()) > kMaxBlockDepth) {
            r_.findings.push_back({file, line, "",
                                   "blocks nested deeper than " + std::to_string(kMaxBlockDepth) +
                                       ": not a keepalived configuration"});
            r_.unusable = true;
            return;
        }
        std::vector<KNode>& list = *stack.back();
        if (!cur.words.empty()) {
            cur.hasBlock = true;
            list.push_back(std::move(cur));
        } else if (!list.empty() && !list.back().hasBlock) {
            list.back().hasBlock = true;
        } else {
            r_.findings.push_back({file, line, "", "a { belongs to no statement"});
            list.push_back(KNode{file, line, {"{"}, {false}, true, {}});
        }
        stack.push_back(&stack.back()->back().children);
    }

    void flush(KNode& cur, std::vector<KNode>& list, int includeDepth) {
        if (cur.words.empty())
            return;
        const std::string& first = cur.words[0];
        // keepalived's `@host` conditional lines and `$NAME=value` parameters, which it expands
        // before reading; the importer does not expand them.
        const bool conditional = first[0] == '@';
        const bool parameter = first[0] == '$' && first.find('=') != std::string::npos;
        if (!cur.quoted[0] && (conditional || parameter)) {
            r_.findings.push_back(findingAt(cur, first.substr(0, first.find('=')),
                                            conditional ? "a conditional line: not translated"
                                                        : "a parameter definition: not "
                                                          "expanded, not translated"));
            return;
        }
        if (isInclude(first) && !cur.quoted[0]) {
            include(cur, list, includeDepth);
            return;
        }
        list.push_back(std::move(cur));
    }

    void include(const KNode& at, std::vector<KNode>& list, int includeDepth) {
        if (at.words.size() != 2 || at.words[1].empty()) {
            r_.findings.push_back(findingAt(at, at.words[0], "needs exactly one file or pattern"));
            return;
        }
        if (includeDepth >= kMaxIncludeDepth) {
            r_.findings.push_back(findingAt(at, at.words[0],
                                            "includes nested deeper than " +
                                                std::to_string(kMaxIncludeDepth) +
                                                " (a loop?): not followed"));
            return;
        }
        const Included inc = resolve_(at.words[1], at.file);
        for (const std::string& p : inc.problems)
            r_.findings.push_back(findingAt(at, at.words[0], p));
        for (const Source& s : inc.files) {
            if (++filesRead_ > kMaxFiles) {
                r_.findings.push_back(findingAt(at, at.words[0],
                                                "more than " + std::to_string(kMaxFiles) +
                                                    " files included: the rest not followed"));
                return;
            }
            file(s, list, includeDepth + 1);
        }
    }

    static constexpr int kMaxFiles = 256;
    const IncludeResolver& resolve_;
    ParseResult& r_;
    int filesRead_ = 0;
};

} // namespace

ParseResult parse(const Source& top, const IncludeResolver& resolve) {
    ParseResult r;
    Parser(resolve, r).file(top, r.statements, 0);
    return r;
}

} // namespace hafd::import
