/// The fixed parts of the `netviz report` page: markup skeleton, style and script, all written for netviz and
/// inlined (no library, no network). The script reads the page's JSON and puts model text into the DOM with
/// `textContent` only. It has no `//` comments, so the page contains no `//` at all (see the browser tests).
enum ReportPage {
    /// Nothing may be loaded from anywhere: inline style and script only, images only as data.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

    /// `title` is already escaped.
    static func header(title: String) -> String {
        """
        <header id="nv-top"><h1>\(title)</h1><ul id="nv-totals"></ul></header>
        <div id="nv-main">
        <div id="nv-view">
        <div id="nv-toolbar">
        <input id="nv-search" type="search" placeholder="Search name, type or shape ( / )" aria-label="Search layers" autocomplete="off">
        <button id="nv-prev" type="button" title="Previous match (Shift+Enter)">&#9650;</button><button id="nv-next" type="button" title="Next match (Enter)">&#9660;</button>
        <span id="nv-count"></span>
        <label>Colour by <select id="nv-colour"><option value="">nothing</option><option value="macs">MACs</option><option value="params">params</option><option value="memory">activation memory</option></select></label>
        <button id="nv-fit" type="button" title="Fit the graph to the window">Fit</button>
        <button id="nv-fold-all" type="button">Fold all</button><button id="nv-open-all" type="button">Open all</button>
        <span id="nv-legend"></span>
        </div>

        """
    }

    static let middle = """
        </div>
        <aside id="nv-side">
        <section id="nv-details"><p class="nv-hint">Click a layer in the graph or the table. Scroll to zoom, drag to pan.</p></section>
        <section id="nv-blocks"><h2>Blocks</h2><ul id="nv-block-list"></ul></section>
        </aside>
        </div>
        <section id="nv-layers"><h2>Layers</h2><p class="nv-hint">Click a heading to sort; click a row to find the layer in the graph.</p>
        <table id="nv-table"><thead></thead><tbody></tbody></table></section>
        <section id="nv-cost"><h2>Cost by layer type</h2>

        """

    static let footer = """
        </section>
        <section id="nv-warnings-section"><h2>Warnings</h2><ul id="nv-warnings"></ul></section>
        <footer>Made by netviz report.</footer>

        """

    static let style = #"""
        body { margin: 0; font: 14px/1.4 Helvetica, Arial, sans-serif; color: #222; background: #fafafa; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        h2 { font-size: 16px; margin: 12px 0 6px; }
        #nv-top { padding: 10px 16px; background: #fff; border-bottom: 1px solid #ddd; }
        #nv-totals { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; color: #444; }
        #nv-main { display: flex; height: 72vh; min-height: 380px; border-bottom: 1px solid #ddd; }
        #nv-view { position: relative; flex: 1; display: flex; flex-direction: column; min-width: 0; background: #fff; }
        #nv-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px; border-bottom: 1px solid #eee; }
        #nv-search { width: 260px; padding: 3px 6px; }
        #nv-count { min-width: 60px; color: #555; }
        #nv-legend { color: #555; font-size: 12px; }
        #nv-graph { flex: 1; min-height: 0; overflow: hidden; cursor: grab; }
        #nv-graph.nv-dragging { cursor: grabbing; }
        #nv-graph > svg { width: 100%; height: 100%; display: block; user-select: none; }
        #nv-mini { position: absolute; right: 8px; bottom: 8px; width: 120px; height: 200px; background: rgba(255,255,255,.92);
          border: 1px solid #bbb; cursor: pointer; }
        #nv-lens { fill: rgba(30,110,220,.15); stroke: #1e6edc; vector-effect: non-scaling-stroke; }
        #nv-side { width: 360px; overflow: auto; padding: 8px 12px; border-left: 1px solid #ddd; background: #fff; }
        #nv-details table { border-collapse: collapse; width: 100%; }
        #nv-details th { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; color: #555; font-weight: normal; white-space: nowrap; }
        #nv-details td { padding: 2px 0; word-break: break-word; }
        #nv-details h2 { word-break: break-all; }
        .nv-hint { color: #777; }
        .nv-link { color: #1e6edc; cursor: pointer; text-decoration: underline; }
        .nv-warning { color: #a40; }
        #nv-block-list { padding-left: 18px; }
        #nv-block-list button { margin-right: 6px; }
        section { padding: 0 16px; }
        #nv-side section { padding: 0; }
        #nv-table { border-collapse: collapse; background: #fff; font-size: 13px; }
        #nv-table th { position: sticky; top: 0; background: #eee; cursor: pointer; padding: 4px 8px; text-align: left; white-space: nowrap; }
        #nv-table th.nv-num, #nv-table td.nv-num { text-align: right; }
        #nv-table td { padding: 2px 8px; border-top: 1px solid #eee; white-space: nowrap; }
        #nv-table tr { cursor: pointer; }
        #nv-table tr:hover td { background: #f2f6fc; }
        #nv-table tr.nv-selected td { background: #ffe9a8; }
        #nv-table tr.nv-match td:first-child { box-shadow: inset 4px 0 #1e6edc; }
        g.node { cursor: pointer; }
        g.node.nv-match polygon { stroke: #1e6edc; stroke-width: 3; }
        g.node.nv-selected polygon { stroke: #f0a000; stroke-width: 5; }
        g.cluster text { cursor: pointer; }
        g.cluster.nv-folded polygon, g.cluster.nv-folded path { fill: #eef2f7; cursor: pointer; }
        .nv-fold-label, .nv-box-label { font-size: 14px; fill: #234; cursor: pointer; }
        .nv-box-label { paint-order: stroke; stroke: #fff; stroke-width: 5px; }
        #nv-chart svg { max-width: 100%; height: auto; }
        footer { padding: 16px; color: #888; }

        """#

    static let script = #"""
        (function () {
          'use strict';
          var data = JSON.parse(document.getElementById('nv-data').textContent);
          var layers = data.layers;
          var svg = document.querySelector('#nv-graph > svg');
          var root = svg.querySelector('g.graph');
          var SVGNS = svg.namespaceURI;

          function el(tag, className, text) {
            var e = document.createElement(tag);
            if (className) e.className = className;
            if (text !== undefined && text !== null) e.textContent = String(text);
            return e;
          }
          function byId(id) { return document.getElementById(id); }

          /* The SVG's own elements, by the Graphviz names the page's data uses (n12, cluster_nested3, n1->n2). */
          function titled(selector) {
            var map = {};
            svg.querySelectorAll(selector).forEach(function (g) {
              var title = g.querySelector('title');
              if (!title) return;
              map[title.textContent] = g;
              g.setAttribute('data-id', title.textContent);
              title.remove();
            });
            return map;
          }
          var nodeEls = titled('g.node');
          var edgeEls = titled('g.edge');
          var clusterEls = titled('g.cluster');
          var nodeData = {};
          data.nodes.forEach(function (n) { nodeData[n.id] = n; });
          var clusterData = {};
          data.clusters.forEach(function (c) { clusterData[c.id] = c; });

          /* Repeated runs have no Graphviz cluster (dot takes quadratic time over a big one): their dashed boxes
             are drawn here, around their nodes, under everything else. */
          var firstDrawn = root.querySelector('g.cluster, g.node, g.edge');
          data.clusters.forEach(function (c) {
            if (clusterEls[c.id]) return;
            var top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
            c.layers.forEach(function (i) {
              var node = layers[i].node && nodeEls[layers[i].node];
              if (!node) return;
              var b = node.getBBox();
              top = Math.min(top, b.y);
              bottom = Math.max(bottom, b.y + b.height);
              left = Math.min(left, b.x);
              right = Math.max(right, b.x + b.width);
            });
            if (top === Infinity) return;
            top -= 24; bottom += 8; left -= 8; right += 8;
            var g = document.createElementNS(SVGNS, 'g');
            g.setAttribute('class', 'cluster nv-box');
            g.setAttribute('data-id', c.id);
            var box = document.createElementNS(SVGNS, 'polygon');
            box.setAttribute('fill', 'none');
            box.setAttribute('stroke', '#666');
            box.setAttribute('stroke-dasharray', '5,2');
            box.setAttribute('points', left + ',' + top + ' ' + right + ',' + top + ' ' + right + ',' + bottom + ' ' + left + ',' + bottom);
            var label = document.createElementNS(SVGNS, 'text');
            label.setAttribute('x', left + 6);
            label.setAttribute('y', top + 16);
            label.setAttribute('class', 'nv-box-label');
            label.textContent = c.label;
            g.appendChild(box);
            g.appendChild(label);
            root.insertBefore(g, firstDrawn);
            clusterEls[c.id] = g;
          });

          /* The root group's transform (Graphviz scales by dpi / 72 and shifts the negative y down), to map the
             drawing's own coordinates to the viewBox's. */
          var matrix = root.transform.baseVal.consolidate();
          matrix = matrix ? matrix.matrix : svg.createSVGMatrix();
          function box(b, dy) {
            var x0 = matrix.a * b.x + matrix.e, y0 = matrix.d * (b.y + dy) + matrix.f;
            return { x: x0, y: y0, w: matrix.a * b.width, h: matrix.d * b.height };
          }

          /* ---- Pan and zoom: the viewBox is the view. ---- */
          var view = null;
          var pane = byId('nv-graph');
          svg.removeAttribute('width');
          svg.removeAttribute('height');
          function setView(v) {
            view = v;
            svg.setAttribute('viewBox', v.x + ' ' + v.y + ' ' + v.w + ' ' + v.h);
            updateLens();
          }
          function full() {
            var b = box(root.getBBox(), 0);
            return { x: b.x - 8, y: b.y - 8, w: b.w + 16, h: b.h + 16 };
          }
          function fit() { setView(full()); }
          /* A long graph starts at its top, full width, rather than fitted too small to read. */
          function start() {
            var f = full(), r = svg.getBoundingClientRect();
            var aspect = r.height / Math.max(r.width, 1) || 1;
            if (f.h / f.w <= aspect * 2) { fit(); return; }
            var w = Math.max(f.w, 600);
            setView({ x: f.x + f.w / 2 - w / 2, y: f.y, w: w, h: w * aspect });
          }
          function scale() {
            var r = svg.getBoundingClientRect();
            return Math.min(r.width / view.w, r.height / view.h) || 1;
          }
          function toSvg(clientX, clientY) {
            var r = svg.getBoundingClientRect(), s = scale();
            var ox = (r.width - view.w * s) / 2, oy = (r.height - view.h * s) / 2;
            return { x: view.x + (clientX - r.left - ox) / s, y: view.y + (clientY - r.top - oy) / s };
          }
          pane.addEventListener('wheel', function (e) {
            e.preventDefault();
            var p = toSvg(e.clientX, e.clientY), f = Math.exp(e.deltaY * 0.0015);
            setView({ x: p.x - (p.x - view.x) * f, y: p.y - (p.y - view.y) * f, w: view.w * f, h: view.h * f });
          }, { passive: false });
          var drag = null;
          pane.addEventListener('pointerdown', function (e) {
            if (e.button !== 0) return;
            drag = { x: e.clientX, y: e.clientY, view: view, moved: false };
          });
          window.addEventListener('pointermove', function (e) {
            if (!drag) return;
            var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
            if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
            drag.moved = true;
            pane.classList.add('nv-dragging');
            var s = scale();
            setView({ x: drag.view.x - dx / s, y: drag.view.y - dy / s, w: drag.view.w, h: drag.view.h });
          });
          window.addEventListener('pointerup', function () {
            pane.classList.remove('nv-dragging');
            if (drag && drag.moved) { suppressClick = true; setTimeout(function () { suppressClick = false; }, 0); }
            drag = null;
          });
          var suppressClick = false;

          /* Centre an SVG element, zoomed so that it is comfortably readable. */
          function centre(g) {
            if (!g || g.style.display === 'none') return;
            var b = box(g.getBBox(), offsetOf(g));
            var cx = b.x + b.w / 2, cy = b.y + b.h / 2;
            var r = svg.getBoundingClientRect();
            var w = Math.max(b.w * 2, 700), h = w * (r.height / Math.max(r.width, 1) || 1);
            setView({ x: cx - w / 2, y: cy - h / 2, w: w, h: h });
          }

          /* ---- Minimap: the same drawing again (an SVG <use>), with a lens for the view. ---- */
          var mini = document.createElementNS(SVGNS, 'svg');
          mini.setAttribute('id', 'nv-mini');
          var use = document.createElementNS(SVGNS, 'use');
          use.setAttribute('href', '#' + root.id);
          var lens = document.createElementNS(SVGNS, 'rect');
          lens.setAttribute('id', 'nv-lens');
          mini.appendChild(use);
          mini.appendChild(lens);
          byId('nv-view').appendChild(mini);
          function updateLens() {
            var f = full();
            mini.setAttribute('viewBox', f.x + ' ' + f.y + ' ' + f.w + ' ' + f.h);
            lens.setAttribute('x', view.x);
            lens.setAttribute('y', view.y);
            lens.setAttribute('width', view.w);
            lens.setAttribute('height', view.h);
          }
          mini.addEventListener('click', function (e) {
            var r = mini.getBoundingClientRect(), f = full();
            var s = Math.min(r.width / f.w, r.height / f.h);
            var x = f.x + (e.clientX - r.left - (r.width - f.w * s) / 2) / s;
            var y = f.y + (e.clientY - r.top - (r.height - f.h * s) / 2) / s;
            setView({ x: x - view.w / 2, y: y - view.h / 2, w: view.w, h: view.h });
          });

          /* ---- Totals and warnings, as the text summary prints them. ---- */
          data.totals.forEach(function (line) { byId('nv-totals').appendChild(el('li', '', line)); });
          var warningList = byId('nv-warnings');
          if (data.warnings.length === 0) warningList.appendChild(el('li', 'nv-hint', 'None.'));
          data.warnings.forEach(function (w) { warningList.appendChild(el('li', 'nv-warning', w)); });

          /* ---- The table: one row per layer, sortable by any column. ---- */
          var columns = [
            { title: '#', value: function (l, i) { return i; }, text: function (l, i) { return i; }, num: true },
            { title: 'Layer', value: function (l) { return l.name; } },
            { title: 'Type', value: function (l) { return l['class']; } },
            { title: 'Output shape', value: function (l) { return l.output; } },
            { title: 'Params', value: function (l) { return l.params; }, text: function (l) { return l.params_text; }, num: true },
            { title: 'Trainable', value: function (l) { return l.trainable; }, text: function (l) { return l.trainable_text; }, num: true },
            { title: 'MACs', value: function (l) { return l.macs; }, text: function (l) { return l.macs_text; }, num: true },
            { title: 'MACs %', value: function (l) { return l.macs; }, text: function (l) { return l.macs_share; }, num: true },
            { title: 'Activations', value: function (l) { return l.bytes; }, text: function (l) { return l.memory_text; }, num: true },
            { title: 'Connected to', value: function (l) { return l.connected; } }
          ];
          var thead = document.querySelector('#nv-table thead'), tbody = document.querySelector('#nv-table tbody');
          var headRow = el('tr');
          var sortState = { column: 0, ascending: true };
          columns.forEach(function (c, k) {
            var th = el('th', c.num ? 'nv-num' : '', c.title);
            th.addEventListener('click', function () { sortBy(k); });
            headRow.appendChild(th);
          });
          thead.appendChild(headRow);
          var rows = layers.map(function (l, i) {
            var tr = el('tr');
            tr.setAttribute('data-layer', i);
            columns.forEach(function (c) { tr.appendChild(el('td', c.num ? 'nv-num' : '', c.text ? c.text(l, i) : c.value(l, i))); });
            tr.tabIndex = 0;
            tr.addEventListener('click', function () { select(i, true); });
            tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') select(i, true); });
            tbody.appendChild(tr);
            return tr;
          });
          function sortBy(k) {
            sortState = { column: k, ascending: sortState.column === k ? !sortState.ascending : !columns[k].num };
            var c = columns[k], dir = sortState.ascending ? 1 : -1;
            var order = layers.map(function (l, i) { return i; });
            order.sort(function (a, b) {
              var va = c.value(layers[a], a), vb = c.value(layers[b], b);
              var d = typeof va === 'number' ? va - vb : String(va).localeCompare(String(vb));
              return d !== 0 ? d * dir : a - b;
            });
            order.forEach(function (i) { tbody.appendChild(rows[i]); });
            headRow.childNodes.forEach(function (th, j) {
              th.textContent = columns[j].title + (j === k ? (sortState.ascending ? ' \u25B2' : ' \u25BC') : '');
            });
          }

          /* ---- Selection and the details panel. ---- */
          var selected = null;
          function elementOf(i) {
            var l = layers[i];
            if (l.node && nodeEls[l.node]) return nodeEls[l.node];
            if (l.cluster && clusterEls[l.cluster]) return clusterEls[l.cluster];
            return null;
          }
          function select(i, centreIt) {
            if (selected !== null) {
              rows[selected].classList.remove('nv-selected');
              var old = elementOf(selected);
              if (old) old.classList.remove('nv-selected');
            }
            selected = i;
            rows[i].classList.add('nv-selected');
            var g = elementOf(i);
            openTo(i);
            if (g) g.classList.add('nv-selected');
            if (centreIt) centre(g); else rows[i].scrollIntoView({ block: 'nearest' });
            showDetails(i);
          }
          function link(i) {
            var a = el('span', 'nv-link', layers[i].name);
            a.addEventListener('click', function () { select(i, true); });
            return a;
          }
          function showDetails(i) {
            var l = layers[i], box = byId('nv-details');
            box.textContent = '';
            box.appendChild(el('h2', '', l.name));
            var table = el('table');
            function row(label, content) {
              var tr = el('tr');
              tr.appendChild(el('th', '', label));
              var td = el('td');
              if (typeof content === 'string' || typeof content === 'number') td.textContent = String(content);
              else content.forEach(function (c, k) {
                if (k > 0) td.appendChild(document.createTextNode(', '));
                td.appendChild(c);
              });
              tr.appendChild(td);
              table.appendChild(tr);
            }
            row('Class', l['class']);
            if (l.group !== l['class']) row('Cost group', l.group);
            if (l.inputs.length) row(l.inputs.length === 1 ? 'Input shape' : 'Input shapes', l.inputs.join(', '));
            row('Output shape', l.output);
            row('Params', l.params_text + ' (trainable ' + l.trainable_text + ', non-trainable ' + l.non_trainable_text + ')');
            row('MACs', l.macs_text + ' (' + l.macs_share + ' of the model)');
            row('Activation size', l.memory_text + ' (batch 1)');
            row('Connected to', l.inbound.length ? l.inbound.map(link) : '-');
            row('Used by', l.outbound.length ? l.outbound.map(link) : '-');
            var n = l.node ? nodeData[l.node] : null;
            if (n && n.fused) {
              row('Drawn as', n.fused);
              row('Fused layers', n.layers.map(link));
            }
            l.config.forEach(function (pair) { row(pair[0], pair[1]); });
            l.weights.forEach(function (w) { row('Weight ' + w[0], w[1] + (w[2] ? '' : ', non-trainable')); });
            box.appendChild(table);
            if (l.warnings.length) {
              box.appendChild(el('h2', '', 'Warnings'));
              var ul = el('ul');
              l.warnings.forEach(function (w) { ul.appendChild(el('li', 'nv-warning', w)); });
              box.appendChild(ul);
            }
          }
          Object.keys(nodeEls).forEach(function (id) {
            nodeEls[id].addEventListener('click', function (e) {
              e.stopPropagation();
              if (suppressClick) return;
              var n = nodeData[id];
              if (n) select(n.layers[0], false);
            });
          });

          /* ---- Search by name, type or shape ("14x14" finds (None, 14, 14, 512)). ---- */
          var haystack = layers.map(function (l) {
            var shapes = l.inputs.concat([l.output]).join(' ');
            return (l.name + ' ' + l['class'] + ' ' + l.group + ' ' + shapes + ' ' + shapes.replace(/, /g, 'x')).toLowerCase();
          });
          var matches = [], current = -1;
          function search() {
            var q = byId('nv-search').value.trim().toLowerCase();
            matches.forEach(function (i) {
              rows[i].classList.remove('nv-match');
              var g = elementOf(i);
              if (g) g.classList.remove('nv-match');
            });
            matches = q ? layers.map(function (l, i) { return i; }).filter(function (i) { return haystack[i].indexOf(q) >= 0; }) : [];
            matches.forEach(function (i) {
              rows[i].classList.add('nv-match');
              var g = elementOf(i);
              if (g) g.classList.add('nv-match');
            });
            current = -1;
            byId('nv-count').textContent = q ? (matches.length ? matches.length + ' found' : 'none found') : '';
          }
          function step(by) {
            if (!matches.length) return;
            current = (current + by + matches.length) % matches.length;
            byId('nv-count').textContent = (current + 1) + ' / ' + matches.length;
            select(matches[current], true);
          }
          byId('nv-search').addEventListener('input', search);
          byId('nv-search').addEventListener('keydown', function (e) {
            if (e.key === 'Enter') { e.preventDefault(); step(e.shiftKey ? -1 : 1); }
            if (e.key === 'Escape') { this.value = ''; search(); }
          });
          byId('nv-next').addEventListener('click', function () { step(1); });
          byId('nv-prev').addEventListener('click', function () { step(-1); });
          document.addEventListener('keydown', function (e) {
            if (e.key === '/' && document.activeElement !== byId('nv-search')) { e.preventDefault(); byId('nv-search').focus(); }
          });

          /* ---- Colour by cost (the --heat scales). ---- */
          var cells = {};
          Object.keys(nodeEls).forEach(function (id) {
            cells[id] = Array.prototype.filter.call(nodeEls[id].querySelectorAll('polygon'), function (p) {
              return p.getAttribute('fill') === 'white';
            });
          });
          byId('nv-colour').addEventListener('change', function () {
            var metric = this.value, largest = '';
            Object.keys(cells).forEach(function (id) {
              var n = nodeData[id];
              var colour = metric && n ? n.heat[metric] : 'white';
              cells[id].forEach(function (p) { p.setAttribute('fill', colour); });
              if (metric && n && parseFloat(n.share[metric]) > parseFloat(largest || '0')) largest = n.share[metric];
            });
            byId('nv-legend').textContent = metric ? 'white: 0, red: ' + (largest || '0%') + ' of the model\'s ' +
              this.options[this.selectedIndex].text + ' (the costliest node)' : '';
          });

          /* ---- Folding: a folded cluster shrinks to one labelled bar, and everything below moves up. ---- */
          var FOLDED = 34;
          function numbers(text) { return text.match(/-?[\d.]+(e-?\d+)?/g) || []; }
          var geometry = { nodes: {}, edges: {}, clusters: {} };
          Object.keys(nodeEls).forEach(function (id) {
            var b = nodeEls[id].getBBox();
            geometry.nodes[id] = { top: b.y, bottom: b.y + b.height, mid: b.y + b.height / 2 };
          });
          Object.keys(edgeEls).forEach(function (id) {
            var g = edgeEls[id];
            geometry.edges[id] = {
              paths: Array.prototype.map.call(g.querySelectorAll('path'), function (p) { return [p, p.getAttribute('d')]; }),
              polys: Array.prototype.map.call(g.querySelectorAll('polygon'), function (p) { return [p, p.getAttribute('points')]; }),
              texts: Array.prototype.map.call(g.querySelectorAll('text'), function (t) { return [t, t.getAttribute('y')]; })
            };
            var ys = [];
            geometry.edges[id].paths.concat(geometry.edges[id].polys).forEach(function (p) {
              var n = numbers(p[1] || '');
              for (var k = 1; k < n.length; k += 2) ys.push(parseFloat(n[k]));
            });
            geometry.edges[id].top = Math.min.apply(null, ys.length ? ys : [0]);
            geometry.edges[id].bottom = Math.max.apply(null, ys.length ? ys : [0]);
          });
          Object.keys(clusterEls).forEach(function (id) {
            var g = clusterEls[id], b = g.getBBox();
            geometry.clusters[id] = {
              top: b.y, bottom: b.y + b.height, left: b.x,
              polys: Array.prototype.map.call(g.querySelectorAll('polygon, path'), function (p) {
                return [p, p.getAttribute(p.tagName === 'path' ? 'd' : 'points')];
              }),
              texts: Array.prototype.map.call(g.querySelectorAll('text'), function (t) { return t; })
            };
          });
          var background = root.querySelector(':scope > polygon');
          var backgroundPoints = background ? background.getAttribute('points') : '';
          var folded = {};
          var nodeOffsets = {};
          function offsetOf(g) { return nodeOffsets[g.getAttribute('data-id')] || 0; }
          /* Clusters that hold a layer, innermost last, from the data. */
          var clustersOfNode = {};
          data.clusters.forEach(function (c) {
            c.layers.forEach(function (i) {
              var id = layers[i].node;
              if (!id) return;
              (clustersOfNode[id] = clustersOfNode[id] || []).push(c.id);
            });
          });
          function parentFolded(id) {
            var c = clusterData[id];
            return data.clusters.some(function (o) {
              return o.id !== id && folded[o.id] && o.layers.length > c.layers.length &&
                c.layers.every(function (i) { return o.layers.indexOf(i) >= 0; });
            });
          }
          function foldedOf(nodeId) {
            return (clustersOfNode[nodeId] || []).filter(function (c) { return folded[c]; });
          }
          function relayout() {
            var spans = Object.keys(folded).filter(function (id) { return folded[id] && geometry.clusters[id] && !parentFolded(id); })
              .map(function (id) { return geometry.clusters[id]; })
              .sort(function (a, b) { return a.top - b.top; });
            function f(y) {
              var moved = 0;
              for (var k = 0; k < spans.length; k++) {
                var s = spans[k];
                if (y >= s.bottom) moved += (s.bottom - s.top) - FOLDED;
                else if (y > s.top) return s.top - moved + (y - s.top) * FOLDED / (s.bottom - s.top);
                else break;
              }
              return y - moved;
            }
            function mapPoints(text) {
              var n = numbers(text), out = [];
              for (var k = 0; k + 1 < n.length; k += 2) out.push(n[k] + ',' + f(parseFloat(n[k + 1])));
              return out.join(' ');
            }
            function mapPath(d) {
              return d.replace(/(-?[\d.]+),(-?[\d.]+)/g, function (all, x, y) { return x + ',' + f(parseFloat(y)); });
            }
            if (background) background.setAttribute('points', mapPoints(backgroundPoints));
            Object.keys(nodeEls).forEach(function (id) {
              var g = nodeEls[id], geo = geometry.nodes[id];
              show(g, foldedOf(id).length === 0);
              nodeOffsets[id] = f(geo.mid) - geo.mid;
              /* Only what changed is touched: a big graph has tens of thousands of elements. */
              if (g.nvOffset !== nodeOffsets[id]) {
                g.nvOffset = nodeOffsets[id];
                g.setAttribute('transform', 'translate(0 ' + nodeOffsets[id] + ')');
              }
            });
            Object.keys(edgeEls).forEach(function (id) {
              var ends = id.split('->'), a = foldedOf(ends[0]), b = foldedOf(ends[1]);
              var inside = a.some(function (c) { return b.indexOf(c) >= 0; });
              var g = edgeEls[id], geo = geometry.edges[id];
              show(g, !inside);
              /* An edge no folded box cuts only moves: the same shift at both ends means nothing else changed. */
              var shift = f(geo.top) - geo.top;
              var cut = spans.some(function (span) { return span.bottom > geo.top && span.top < geo.bottom; });
              var key = cut ? null : shift;
              if (key !== null && g.nvKey === key) return;
              g.nvKey = key;
              geo.paths.forEach(function (p) { p[0].setAttribute('d', mapPath(p[1])); });
              geo.polys.forEach(function (p) { p[0].setAttribute('points', mapPoints(p[1])); });
            });
            Object.keys(clusterEls).forEach(function (id) {
              var g = clusterEls[id], geo = geometry.clusters[id], isFolded = !!folded[id];
              g.style.display = parentFolded(id) ? 'none' : '';
              g.classList.toggle('nv-folded', isFolded);
              geo.polys.forEach(function (p) {
                p[0].setAttribute(p[0].tagName === 'path' ? 'd' : 'points', p[0].tagName === 'path' ? mapPath(p[1]) : mapPoints(p[1]));
              });
              geo.texts.forEach(function (t) {
                if (!t.hasAttribute('data-y')) t.setAttribute('data-y', t.getAttribute('y'));
                t.style.display = isFolded ? 'none' : '';
                t.setAttribute('y', f(parseFloat(t.getAttribute('data-y'))));
              });
              var label = g.querySelector('.nv-fold-label');
              if (isFolded && !label) {
                label = document.createElementNS(SVGNS, 'text');
                label.setAttribute('class', 'nv-fold-label');
                label.textContent = '\u25B8 ' + clusterData[id].label + ' (click to open)';
                g.appendChild(label);
              }
              if (label) {
                label.style.display = isFolded ? '' : 'none';
                label.setAttribute('x', geo.left + 10);
                label.setAttribute('y', f(geo.top) + FOLDED / 2 + 5);
              }
            });
            updateBlockList();
            updateLens();
          }
          function show(element, visible) {
            if (element.nvVisible === visible) return;
            element.nvVisible = visible;
            element.style.display = visible ? '' : 'none';
          }
          function toggle(id, state) {
            folded[id] = state === undefined ? !folded[id] : state;
            relayout();
          }
          /* Opening the blocks that hide a layer, so selecting it shows it. */
          function openTo(i) {
            var changed = false;
            data.clusters.forEach(function (c) {
              if (folded[c.id] && c.layers.indexOf(i) >= 0 && c.header !== i) { folded[c.id] = false; changed = true; }
            });
            if (changed) relayout();
          }
          Object.keys(clusterEls).forEach(function (id) {
            clusterEls[id].addEventListener('click', function (e) {
              if (suppressClick || !clusterData[id]) return;
              var t = e.target;
              if (folded[id] || (t.tagName === 'text')) { e.stopPropagation(); toggle(id); }
            });
          });
          var blockList = byId('nv-block-list'), blockButtons = {};
          if (data.clusters.length === 0) blockList.appendChild(el('li', 'nv-hint', 'No repeated blocks or nested models.'));
          data.clusters.forEach(function (c) {
            var li = el('li'), b = el('button', '', 'Fold');
            b.type = 'button';
            b.setAttribute('data-cluster', c.id);
            b.addEventListener('click', function () { toggle(c.id); centre(clusterEls[c.id]); });
            blockButtons[c.id] = b;
            li.appendChild(b);
            li.appendChild(el('span', '', c.label));
            blockList.appendChild(li);
          });
          function updateBlockList() {
            Object.keys(blockButtons).forEach(function (id) { blockButtons[id].textContent = folded[id] ? 'Open' : 'Fold'; });
          }
          byId('nv-fold-all').addEventListener('click', function () {
            data.clusters.forEach(function (c) { folded[c.id] = true; });
            relayout();
            fit();
          });
          byId('nv-open-all').addEventListener('click', function () {
            folded = {};
            relayout();
            fit();
          });
          byId('nv-fit').addEventListener('click', fit);
          window.addEventListener('resize', updateLens);
          start();

          /* Links into the page: #layer=NAME selects a layer, #colour=macs|params|memory colours the graph,
             #fold=all folds every block. */
          function follow() {
            var params = new URLSearchParams(location.hash.slice(1));
            if (params.get('fold') === 'all') byId('nv-fold-all').click();
            var colour = params.get('colour');
            if (colour && ['macs', 'params', 'memory'].indexOf(colour) >= 0) {
              byId('nv-colour').value = colour;
              byId('nv-colour').dispatchEvent(new Event('change'));
            }
            var name = params.get('layer');
            var i = layers.findIndex(function (l) { return l.name === name; });
            if (i >= 0) select(i, true);
          }
          window.addEventListener('hashchange', follow);
          follow();
        })();

        """#
}
