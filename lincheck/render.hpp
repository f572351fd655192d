#pragma once
// A window (window.hpp) drawn for a person: one lane per client, a bar per operation from its
// call to its return, the failing operation in red, open-ended operations fading out to the
// right. Time is drawn by rank (each distinct call or return time one step further right), so
// the order of events, which is all linearizability depends on, stays legible however the
// recorded times are spread; the real times are in each bar's tooltip and in the HTML table.

#include <string>

#include "lincheck/window.hpp"

namespace lincheck {

// A standalone SVG document.
std::string render_window_svg(const Window& window);
// An HTML page: a caption, the SVG, and the operations as a table.
std::string render_window_html(const Window& window);

}  // namespace lincheck
