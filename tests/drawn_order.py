"""A browser script for the query page's tests (test_serve_query_bidi.py,
test_serve_query_tabs.py): :func:`out_of_order`, the characters of CodeMirror's lines drawn left
of the one written before them (bidi controls that were left live reorder what follows them)."""

from __future__ import annotations

import json

_ORDER = """
const bad = [];
for (const line of document.querySelectorAll(LINES)) {
  let last = null;
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width === 0 || node.data[i].trim() === '') continue;
      if (last && Math.abs(box.top - last.top) < 2 && box.left < last.left)
        bad.push(node.data.slice(Math.max(0, i - 8), i + 8));
      last = box;
    }
  }
}
return bad;
"""


def out_of_order(lines: str) -> str:
    """A script returning, for each line the CSS selector ``lines`` finds, the characters
    (each with up to 8 on either side) standing left of the one written before them."""
    return _ORDER.replace("LINES", json.dumps(lines))
