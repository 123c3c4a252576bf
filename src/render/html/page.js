(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var details = document.getElementById('marker-details');
  var lit = [];
  function light(marker, on) {
    (marker.getAttribute('data-rows') || '').split(' ').forEach(function (id) {
      var tr = document.getElementById(id);
      if (tr) tr.classList.toggle('hot', on);
    });
    marker.classList.toggle('hot', on);
  }
  // A tap (or Enter) lists the group's events under the chart, built from the table's own
  // cells as text: nothing from the logs is ever parsed as markup here.
  function show(marker) {
    lit.forEach(function (m) { light(m, false); });
    lit = [marker];
    light(marker, true);
    if (!details) return;
    details.textContent = '';
    var list = document.createElement('ul');
    (marker.getAttribute('data-rows') || '').split(' ').forEach(function (id) {
      var tr = document.getElementById(id);
      if (!tr) return;
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '#' + id;
      a.textContent = tr.cells[0].textContent + ' ' + tr.cells[1].textContent;
      li.appendChild(a);
      li.appendChild(document.createTextNode(': ' + tr.cells[2].textContent + ' (' + tr.cells[5].querySelector('code').textContent + ')'));
      list.appendChild(li);
    });
    details.appendChild(list);
    details.hidden = false;
  }
  document.querySelectorAll('.marker').forEach(function (m) {
    m.addEventListener('mouseenter', function () { light(m, true); });
    m.addEventListener('mouseleave', function () { if (lit.indexOf(m) < 0) light(m, false); });
    m.addEventListener('click', function () { show(m); });
    m.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(m); } });
  });
  // What the browser built, for the headless-browser test; harmless for readers.
  var check = document.getElementById('self-check');
  if (check) {
    var shown = Array.prototype.filter.call(document.querySelectorAll('svg.chart'), function (s) {
      return s.getBoundingClientRect().width > 0;
    });
    var svg = shown[0];
    var drawn = 0, markers = 0;
    if (svg) {
      svg.querySelectorAll('.bin').forEach(function (g) { drawn += Number(g.getAttribute('data-bins')); });
      svg.querySelectorAll('.marker').forEach(function (g) { markers += Number(g.getAttribute('data-count')); });
    }
    var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    var smallest = 1000;
    if (svg) svg.querySelectorAll('text').forEach(function (t) {
      var h = t.getBoundingClientRect().height;
      if (h > 0 && h < smallest) smallest = h;
    });
    check.setAttribute('data-chart', svg ? svg.id : '');
    check.setAttribute('data-charts-shown', shown.length);
    check.setAttribute('data-bins', drawn);
    check.setAttribute('data-markers', markers);
    check.setAttribute('data-incidents', svg ? svg.querySelectorAll('.incident').length : 0);
    check.setAttribute('data-width', Math.round(box.width));
    check.setAttribute('data-height', Math.round(box.height));
    check.setAttribute('data-smallest-text', Math.round(smallest * 10) / 10);
    check.setAttribute('data-page-width', document.documentElement.scrollWidth);
    check.setAttribute('data-viewport', window.innerWidth);
    check.setAttribute('data-dark', window.matchMedia('(prefers-color-scheme: dark)').matches ? 1 : 0);
    check.setAttribute('data-background', getComputedStyle(document.body).backgroundColor);
    check.setAttribute('data-h1', document.querySelectorAll('h1').length);
    check.setAttribute('data-tables-events', document.querySelectorAll('table.events').length);
    // A citation opens onto the lines around it: open the first, measure, close it again.
    var cites = document.querySelectorAll('details.cite');
    check.setAttribute('data-citations', cites.length);
    if (cites.length) {
      cites[0].open = true;
      var pre = cites[0].querySelector('pre.context');
      check.setAttribute('data-citation-height', pre ? Math.round(pre.getBoundingClientRect().height) : 0);
      check.setAttribute('data-citation-lines', pre ? pre.textContent.split('\n').filter(Boolean).length : 0);
      cites[0].open = false;
    }
    check.setAttribute('data-errors', errors.length);
  }
})();
