#include "lincheck/render.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "lincheck/assert.hpp"

namespace lincheck {

namespace {

constexpr int kLaneHeight = 34;
constexpr int kBarHeight = 22;
constexpr int kLabelWidth = 96;
constexpr int kTopMargin = 46;
constexpr int kMinStep = 60;    // pixels per distinct event time, at least
constexpr int kMaxStep = 240;   // and at most: longer labels are clipped (the tooltip has them)
constexpr int kOpenTail = 70;   // how far an open-ended bar runs past the last event
constexpr int kCharWidth = 7;   // of the 12px monospace labels, to clip them to their bar

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// Values as they are, which reads best for the usual short tokens; "" for the empty one.
std::string shown(const std::string& v) { return v.empty() ? "\"\"" : v; }

std::string label(const Operation& op) {
    switch (op.kind) {
        case OpKind::Put: return "put " + shown(op.value);
        case OpKind::Append: return "append " + shown(op.value);
        case OpKind::Get: return op.open() ? "get (no reply)" : "get -> " + shown(op.output);
    }
    return "?";
}

std::string fill_of(const Operation& op, bool failing) {
    if (failing) return "#f6b8b8";
    switch (op.kind) {
        case OpKind::Put: return "#c9dcf5";
        case OpKind::Append: return "#cdeccd";
        case OpKind::Get: return "#e4e4e4";
    }
    return "#ffffff";
}

std::string caption(const Window& w) {
    return "key \"" + w.key + "\" is not linearizable: these " + std::to_string(w.ops.size()) +
           " operations already are not (window of the " + std::to_string(w.prefix_ops) +
           " in the shortest failing prefix, of " + std::to_string(w.key_ops) + " on the key" +
           (w.minimal ? "" : "; budget ran out, not minimal") + ")";
}

}  // namespace

std::string render_window_svg(const Window& w) {
    LINCHECK_ASSERT(w.failing < w.ops.size(), "the failing operation is in the window");
    std::set<Time> times;
    std::map<ClientId, int> lane;
    for (const Operation& op : w.ops) {
        times.insert(op.call);
        if (!op.open()) times.insert(op.ret);
        lane.emplace(op.client, 0);
    }
    int next_lane = 0;
    for (auto& [client, l] : lane) l = next_lane++;
    // Wide enough steps that most labels fit in a bar one step long.
    std::size_t longest = 0;
    for (const Operation& op : w.ops) longest = std::max(longest, label(op).size());
    const int step = std::clamp(static_cast<int>(longest) * kCharWidth + 12, kMinStep, kMaxStep);
    std::map<Time, int> x_of;
    int rank = 0;
    for (Time t : times) x_of[t] = kLabelWidth + 20 + step * rank++;
    const int right = kLabelWidth + 20 + step * std::max(rank - 1, 0) + kOpenTail;
    const int width = std::max(right + 20, static_cast<int>(caption(w).size()) * kCharWidth + 24);
    const int height = kTopMargin + kLaneHeight * next_lane + 34;

    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" font-family=\"monospace\" font-size=\"12\">\n";
    s += "<defs><linearGradient id=\"fade\"><stop offset=\"0\" stop-color=\"#cccccc\"/>"
         "<stop offset=\"1\" stop-color=\"#ffffff\"/></linearGradient></defs>\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s += "<text x=\"8\" y=\"18\" font-weight=\"bold\">" + escape(caption(w)) + "</text>\n";
    s += "<text x=\"8\" y=\"34\" fill=\"#555\">one lane per client; bars run from call to return; red: the operation whose "
         "return ends the shortest non-linearizable prefix; faded: no reply</text>\n";
    for (const auto& [client, l] : lane) {
        const int y = kTopMargin + kLaneHeight * l;
        s += "<line x1=\"0\" x2=\"" + std::to_string(width) + "\" y1=\"" + std::to_string(y + kLaneHeight) + "\" y2=\"" +
             std::to_string(y + kLaneHeight) + "\" stroke=\"#eee\"/>\n";
        s += "<text x=\"8\" y=\"" + std::to_string(y + 21) + "\">client " + std::to_string(client) + "</text>\n";
    }
    for (std::size_t i = 0; i < w.ops.size(); ++i) {
        const Operation& op = w.ops[i];
        const bool failing = i == w.failing;
        const int x0 = x_of.at(op.call);
        const int x1 = op.open() ? right : std::max(x_of.at(op.ret), x0 + 6);
        const int y = kTopMargin + kLaneHeight * lane.at(op.client) + (kLaneHeight - kBarHeight) / 2;
        s += "<g><title>" + escape(op.describe()) + " (history operation #" + std::to_string(w.origin[i]) + ")</title>";
        s += "<rect x=\"" + std::to_string(x0) + "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(x1 - x0) +
             "\" height=\"" + std::to_string(kBarHeight) + "\" rx=\"3\" fill=\"" + (op.open() ? "url(#fade)" : fill_of(op, failing)) +
             "\" stroke=\"" + (failing ? "#c00000" : "#666") + "\" stroke-width=\"" + (failing ? "2" : "1") + "\"" +
             (op.open() ? " stroke-dasharray=\"4 3\"" : "") + "/>";
        std::string text = label(op);
        const auto fits = static_cast<std::size_t>(std::max((x1 - x0 - 8) / kCharWidth, 1));
        if (text.size() > fits) text = text.substr(0, fits > 1 ? fits - 1 : 0) + "~";
        s += "<text x=\"" + std::to_string(x0 + 4) + "\" y=\"" + std::to_string(y + 15) + "\"" +
             (failing ? " font-weight=\"bold\"" : "") + ">" + escape(text) + "</text></g>\n";
    }
    s += "<text x=\"8\" y=\"" + std::to_string(height - 10) + "\" fill=\"#555\">time runs left to right by event order; "
         "hover a bar for its real times</text>\n";
    s += "</svg>\n";
    return s;
}

std::string render_window_html(const Window& w) {
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lincheck: key " + escape(w.key) +
                    "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-family:monospace}"
                    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}tr.failing{background:#f6b8b8;font-weight:bold}"
                    "</style></head><body>\n";
    h += "<h1>Not linearizable</h1>\n<p>" + escape(caption(w)) + ".</p>\n";
    h += "<p>No order of these operations respects both real time (an operation that returned before another was "
         "called comes first) and the key/value semantics (Put replaces, Append concatenates, Get returns the "
         "value). Operations without a reply may have taken effect at any time after their call, or never.</p>\n";
    h += render_window_svg(w);
    h += "<table>\n<tr><th>#</th><th>client</th><th>operation</th><th>call</th><th>return</th></tr>\n";
    for (std::size_t i = 0; i < w.ops.size(); ++i) {
        const Operation& op = w.ops[i];
        std::string what = std::string(kind_name(op.kind)) + "(\"" + op.key + "\"" + (op.mutates() ? ", \"" + op.value + "\"" : "") + ")";
        if (op.kind == OpKind::Get && !op.open()) what += " -> \"" + op.output + "\"";
        h += std::string("<tr") + (i == w.failing ? " class=\"failing\"" : "") + "><td>" + std::to_string(w.origin[i]) + "</td><td>" +
             std::to_string(op.client) + "</td><td>" + escape(what) + "</td><td>" + std::to_string(op.call) + "</td><td>" +
             (op.open() ? "no reply" : std::to_string(op.ret)) + "</td></tr>\n";
    }
    h += "</table>\n</body></html>\n";
    return h;
}

}  // namespace lincheck
