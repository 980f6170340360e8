// SPDX-License-Identifier: Apache-2.0
#include "import/importer.h"

#include "import/reader.h"
#include "import/translate.h"

#include <algorithm>

namespace hafd::import {

namespace {

// By line within each file, the files in the order they were first read: the order a person
// reads them in (the translator finds them setting by setting).
void sortFindings(std::vector<Finding>& findings) {
    std::vector<std::string> files;
    for (const Finding& f : findings)
        if (std::find(files.begin(), files.end(), f.file) == files.end())
            files.push_back(f.file);
    const auto rank = [&](const Finding& f) {
        return std::pair(std::find(files.begin(), files.end(), f.file) - files.begin(), f.line);
    };
    std::stable_sort(findings.begin(), findings.end(),
                     [&](const Finding& a, const Finding& b) { return rank(a) < rank(b); });
}

} // namespace

ImportResult importText(const Source& top, const IncludeResolver& resolve) {
    ImportResult r;
    ParseResult parsed = parse(top, resolve);
    r.findings = std::move(parsed.findings);
    if (parsed.unusable) {
        r.exitStatus = kImportUnusable;
        return r;
    }
    const std::size_t slash = top.name.rfind('/');
    Translation t = translate(parsed.statements,
                              slash == std::string::npos ? top.name : top.name.substr(slash + 1));
    r.findings.insert(r.findings.end(), t.findings.begin(), t.findings.end());
    if (t.unusable) {
        r.findings.push_back({top.name, 0, "", "no vrrp_instance: nothing to translate"});
        r.exitStatus = kImportUnusable;
        return r;
    }
    sortFindings(r.findings);
    r.text = std::move(t.text);
    r.exitStatus = r.findings.empty() ? kImportClean : kImportReview;
    return r;
}

ImportResult importFile(const std::string& path) {
    std::string error;
    const auto text = readConfigFile(path, error);
    if (!text) {
        ImportResult r;
        r.findings.push_back({path, 0, "", error + ": cannot be read"});
        r.exitStatus = kImportUnusable;
        return r;
    }
    return importText({path, *text}, resolveInclude);
}

} // namespace hafd::import
