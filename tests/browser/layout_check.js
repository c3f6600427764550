// Injected into a copy of the report by tests/test_report_layout.py and run by headless
// Chromium (--dump-dom): it opens every <details>, measures every text line box and writes what
// it finds into a pre element with id layout-result, as JSON. No dependencies, no network.
(function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  var width = document.documentElement.clientWidth;
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var boxes = [];
  var node;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim()) continue;
    var parent = node.parentElement;
    if (!parent || parent.closest("script, style, title, #layout-result")) continue;
    var range = document.createRange();
    range.selectNodeContents(node);
    var rects = range.getClientRects();
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      if (r.width < 1 || r.height < 1) continue;
      boxes.push({ n: boxes.length, node: node, x0: r.left + window.scrollX, x1: r.right + window.scrollX,
                   y0: r.top + window.scrollY, y1: r.bottom + window.scrollY,
                   text: node.textContent.trim().slice(0, 40) });
    }
  }
  // Text inside a box that scrolls sideways (overflow-x auto or scroll) is reached by
  // scrolling that box, so it does not run off the page.
  function scrolls(el) {
    for (; el && el !== document.body; el = el.parentElement) {
      var ox = getComputedStyle(el).overflowX;
      if (ox === "auto" || ox === "scroll") return true;
    }
    return false;
  }
  var overflow = [];
  boxes.forEach(function (b) {
    if ((b.x1 > width + 0.5 || b.x0 < -0.5) && !scrolls(b.node.parentElement))
      overflow.push(b.text + " @" + Math.round(b.x1));
  });
  // SVG text is drawn at its font size times the chart's scale: the size a reader sees.
  var charts = document.querySelectorAll(".chart-scroll svg");
  var smallestChartText = 99;
  charts.forEach(function (svg) {
    var scale = svg.getScreenCTM() ? svg.getScreenCTM().a : 1;
    svg.querySelectorAll("text").forEach(function (t) {
      smallestChartText = Math.min(smallestChartText, parseFloat(getComputedStyle(t).fontSize) * scale);
    });
  });
  // Overlap: two line boxes of different text nodes sharing more than 2 px in both directions.
  boxes.sort(function (a, b) { return a.y0 - b.y0; });
  var overlaps = [];
  for (var a = 0; a < boxes.length; a++) {
    for (var b = a + 1; b < boxes.length && boxes[b].y0 < boxes[a].y1 - 2; b++) {
      var p = boxes[a], q = boxes[b];
      if (p.node === q.node) continue;
      var dx = Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0);
      var dy = Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0);
      if (dx > 2 && dy > 2) overlaps.push(p.text + " | " + q.text);
    }
  }
  var out = document.createElement("pre");
  out.id = "layout-result";
  out.textContent = JSON.stringify({
    viewport: width,
    scrollWidth: document.documentElement.scrollWidth,
    boxes: boxes.length,
    overflow: overflow.slice(0, 20),
    overflowCount: overflow.length,
    overlaps: overlaps.slice(0, 20),
    overlapCount: overlaps.length,
    charts: charts.length,
    smallestChartText: smallestChartText,
    smallestFont: Math.min.apply(null, Array.prototype.map.call(
      document.querySelectorAll("body *"), function (e) {
        return e.getClientRects().length ? parseFloat(getComputedStyle(e).fontSize) : 99; }))
  });
  document.body.appendChild(out);
})();
