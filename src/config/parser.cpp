// SPDX-License-Identifier: Apache-2.0
#include "config/parser.h"

#include <libconfig.h++>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace hafd::config {

namespace {

// libconfig records each setting's file as the name it was opened with: the main path as given,
// an included file as written in its @include line (opened relative to the include directory).
class FileTable {
public:
    FileTable(std::string mainName, std::string includeDir) : includeDir_(std::move(includeDir)) {
        files_.push_back(std::move(mainName));
    }

    int index(const char* sourceFile) {
        if (sourceFile == nullptr || files_[0] == sourceFile)
            return 0;
        const auto [it, added] = byName_.try_emplace(sourceFile, static_cast<int>(files_.size()));
        if (added)
            files_.push_back(display(sourceFile));
        return it->second;
    }

    std::string display(const char* sourceFile) const {
        if (sourceFile == nullptr)
            return files_[0];
        const std::string name = sourceFile;
        if (name == files_[0] || includeDir_.empty() || name.starts_with('/'))
            return name;
        return includeDir_ + "/" + name;
    }

    std::vector<std::string> take() && { return std::move(files_); }

private:
    std::string includeDir_;
    std::vector<std::string> files_;
    std::map<std::string, int> byName_;
};

Node convert(const libconfig::Setting& s, FileTable& files) {
    Node n;
    n.name = s.getName() != nullptr ? s.getName() : "";
    n.file = files.index(s.getSourceFile());
    n.line = static_cast<int>(s.getSourceLine());
    switch (s.getType()) {
    case libconfig::Setting::TypeInt:
        n.kind = Node::Kind::Int;
        n.integer = static_cast<int>(s);
        break;
    case libconfig::Setting::TypeInt64:
        n.kind = Node::Kind::Int;
        n.integer = static_cast<long long>(s);
        break;
    case libconfig::Setting::TypeFloat:
        n.kind = Node::Kind::Float;
        n.number = static_cast<double>(s);
        break;
    case libconfig::Setting::TypeString:
        n.kind = Node::Kind::String;
        n.text = static_cast<const char*>(s);
        break;
    case libconfig::Setting::TypeBoolean:
        n.kind = Node::Kind::Bool;
        n.boolean = static_cast<bool>(s);
        break;
    case libconfig::Setting::TypeNone: // never produced by the parser
    case libconfig::Setting::TypeGroup:
        n.kind = Node::Kind::Group;
        break;
    case libconfig::Setting::TypeArray:
        n.kind = Node::Kind::Array;
        break;
    case libconfig::Setting::TypeList:
        n.kind = Node::Kind::List;
        break;
    }
    if (s.isAggregate()) {
        n.children.reserve(static_cast<std::size_t>(s.getLength()));
        for (int i = 0; i < s.getLength(); ++i)
            n.children.push_back(convert(s[i], files));
    }
    return n;
}

// Line `line` (from 1) of `text`, trimmed and shortened for a one-line message.
std::string excerpt(std::string_view text, int line) {
    std::size_t begin = 0;
    for (int i = 1; i < line && begin != std::string_view::npos; ++i) {
        begin = text.find('\n', begin);
        if (begin != std::string_view::npos)
            ++begin;
    }
    if (begin == std::string_view::npos || begin >= text.size())
        return "";
    std::string_view s = text.substr(begin, text.find('\n', begin) - begin);
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return "";
    s = s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
    constexpr std::size_t kMax = 60;
    return s.size() > kMax ? std::string(s.substr(0, kMax)) + "..." : std::string(s);
}

// libconfig's message, with the text of the line it stopped at ("syntax error" alone does not
// say much). `mainText` is the text of the main file when it came from memory.
Diagnostic syntaxError(const FileTable& files, const libconfig::ParseException& e,
                       const std::string* mainText) {
    const std::string file = files.display(e.getFile());
    std::string text;
    if (mainText != nullptr && file == files.display(nullptr)) {
        text = *mainText;
    } else {
        std::ifstream in(file);
        std::ostringstream read;
        read << in.rdbuf();
        text = read.str();
    }
    std::string message = e.getError();
    if (const std::string quote = excerpt(text, e.getLine()); !quote.empty())
        message += ": " + quote;
    return {Diagnostic::Severity::Error, file, e.getLine(), "", std::move(message)};
}

// Runs `read` on a fresh libconfig::Config and converts the result; libconfig throws on every
// failure, and nothing may escape (STYLE.md habit 7).
template <typename Read>
Result<Document, Diagnostic> parse(const std::string& name, const std::string* text, Read read) {
    std::string includeDir = std::filesystem::path(name).parent_path().string();
    FileTable files(name, includeDir);
    try {
        libconfig::Config cfg;
        if (!includeDir.empty())
            cfg.setIncludeDir(includeDir.c_str());
        read(cfg);
        Document doc;
        doc.root = convert(cfg.getRoot(), files);
        doc.files = std::move(files).take();
        return doc;
    } catch (const libconfig::ParseException& e) {
        return Unexpected{syntaxError(files, e, text)};
    } catch (const libconfig::FileIOException&) {
        return Unexpected{
            Diagnostic{Diagnostic::Severity::Error, name, 0, "", "cannot read the file"}};
    } catch (const std::exception& e) {
        return Unexpected{Diagnostic{Diagnostic::Severity::Error, name, 0, "",
                                     std::string("internal error while parsing: ") + e.what()}};
    }
}

} // namespace

Result<Document, Diagnostic> parseFile(const std::string& path) {
    // libconfig reports I/O failures without a reason; find it first.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return Unexpected{
            Diagnostic{Diagnostic::Severity::Error, path, 0, "", "cannot read: is a directory"}};
    {
        errno = 0;
        std::ifstream probe(path);
        if (!probe) {
            const int err = errno;
            return Unexpected{Diagnostic{Diagnostic::Severity::Error, path, 0, "",
                                         std::string("cannot read: ") +
                                             (err != 0 ? std::strerror(err) : "unknown error")}};
        }
    }
    return parse(path, nullptr, [&](libconfig::Config& cfg) { cfg.readFile(path.c_str()); });
}

Result<Document, Diagnostic> parseString(std::string_view text, const std::string& name) {
    const std::string copy(text); // libconfig wants a NUL-terminated string
    return parse(name, &copy, [&](libconfig::Config& cfg) { cfg.readString(copy.c_str()); });
}

} // namespace hafd::config
