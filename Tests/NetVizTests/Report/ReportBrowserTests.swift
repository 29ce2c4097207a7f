import Foundation
import Testing

@testable import NetViz

/// Opens reports in real headless chromium (installed by Tools/install-deps.sh) and does what a person would:
/// reads the table and the graph, searches, clicks a node, clicks a row, folds a block. A small driver script,
/// added to a copy of the page, clicks through real DOM events and writes what it saw into the DOM (base64 JSON),
/// which `--dump-dom` prints. A collector at the top of the page records errors, console.error, alert() and
/// blocked loads (Content-Security-Policy violations).
enum Browser {
    struct Observed: Decodable {
        var exception: String?
        var errors: [String]
        var rowNames: [String]
        var rowLayers: [Int]
        var nodeIDs: [String]
        var graphText: String
        var searchCount: String
        var matchedRows: [Int]
        var afterNext: String
        var nodeDetailsTitle: String
        var nodeDetails: String
        var selectedRowAfterNodeClick: Int?
        var rowCentreDistance: Double
        var rowViewWidth: Double
        var detailsAfterRow: String
        var foldButton: String?
        var visibleBeforeFold: Int
        var visibleFolded: Int
        var visibleOpened: Int
        var heightBeforeFold: Double
        var heightFolded: Double
        var sortedByMACs: [Int]
        var scripts: Int
        var eventAttributes: [String]
        var outsideReferences: [String]
        var colouredFills: Int
    }

    /// Collects errors before the page's own script runs.
    static let collector = """
        <script>window.__nvErrors = [];
        window.addEventListener('error', function (e) { window.__nvErrors.push('error: ' + e.message); });
        document.addEventListener('securitypolicyviolation', function (e) { window.__nvErrors.push('csp: ' + e.blockedURI); });
        (function () { var original = console.error; console.error = function () {
          window.__nvErrors.push('console: ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); }; })();
        window.alert = function (m) { window.__nvErrors.push('alert: ' + m); };</script>
        """

    /// Clicks through the page; `query`, `node` and `row` choose what to search for and click.
    static func driver(query: String, node: String, row: Int) throws -> String {
        """
        <script>(function () {
          var out = { errors: [] };
          function $(s) { return document.querySelector(s); }
          function all(s) { return Array.prototype.slice.call(document.querySelectorAll(s)); }
          function visibleNodes() { return all('#nv-graph g.node').filter(function (g) { return g.style.display !== 'none'; }).length; }
          function height() { return document.querySelector('#nv-graph g.graph').getBBox().height; }
          try {
            var trs = all('#nv-table tbody tr');
            out.rowNames = trs.map(function (tr) { return tr.children[1].textContent; });
            out.rowLayers = trs.map(function (tr) { return +tr.getAttribute('data-layer'); });
            out.nodeIDs = all('#nv-graph g.node').map(function (g) { return g.getAttribute('data-id'); });
            out.graphText = all('#nv-graph g.node text').map(function (t) { return t.textContent; }).join('\\n');
            var search = $('#nv-search');
            search.value = \(try jsString(query));
            search.dispatchEvent(new Event('input'));
            out.searchCount = $('#nv-count').textContent;
            out.matchedRows = all('#nv-table tr.nv-match').map(function (tr) { return +tr.getAttribute('data-layer'); });
            $('#nv-next').click();
            out.afterNext = $('#nv-details h2') ? $('#nv-details h2').textContent : '';
            var g = $('#nv-graph g.node[data-id="\(node)"]');
            g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
            out.nodeDetailsTitle = $('#nv-details h2').textContent;
            out.nodeDetails = $('#nv-details').textContent;
            var sel = $('#nv-table tr.nv-selected');
            out.selectedRowAfterNodeClick = sel ? +sel.getAttribute('data-layer') : null;
            var tr = $('#nv-table tr[data-layer="\(row)"]');
            tr.dispatchEvent(new MouseEvent('click', { bubbles: true }));
            out.detailsAfterRow = $('#nv-details h2').textContent;
            var svg = $('#nv-graph > svg'), vb = svg.viewBox.baseVal;
            var target = $('#nv-graph g.nv-selected'), r = target.getBoundingClientRect(), s = svg.getBoundingClientRect();
            var dx = (r.left + r.width / 2) - (s.left + s.width / 2), dy = (r.top + r.height / 2) - (s.top + s.height / 2);
            out.rowCentreDistance = Math.sqrt(dx * dx + dy * dy);
            out.rowViewWidth = vb.width;
            out.visibleBeforeFold = visibleNodes();
            out.heightBeforeFold = height();
            var fold = $('#nv-block-list button');
            out.foldButton = fold ? fold.textContent : null;
            if (fold) fold.click();
            out.visibleFolded = visibleNodes();
            out.heightFolded = height();
            if (fold) fold.click();
            out.visibleOpened = visibleNodes();
            var macs = all('#nv-table thead th').filter(function (th) { return th.textContent === 'MACs'; })[0];
            macs.click();
            out.sortedByMACs = all('#nv-table tbody tr').slice(0, 3).map(function (tr) { return +tr.getAttribute('data-layer'); });
            var colour = $('#nv-colour');
            colour.value = 'macs';
            colour.dispatchEvent(new Event('change'));
            out.colouredFills = all('#nv-graph g.node polygon').filter(function (p) {
              var f = p.getAttribute('fill'); return f && f.charAt(0) === '#';
            }).length;
            out.scripts = all('script').length;
            out.eventAttributes = [];
            out.outsideReferences = [];
            all('*').forEach(function (e) {
              Array.prototype.forEach.call(e.attributes, function (a) {
                if (a.name.indexOf('on') === 0) out.eventAttributes.push(e.tagName + ' ' + a.name);
                if ((a.name === 'src' || a.name === 'href' || a.name === 'xlink:href') && a.value.charAt(0) !== '#') {
                  out.outsideReferences.push(e.tagName + ' ' + a.name + '=' + a.value);
                }
              });
            });
          } catch (e) { out.exception = String(e && e.stack || e); }
          out.errors = window.__nvErrors;
          var pre = document.createElement('pre');
          pre.id = 'nv-test-result';
          pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
          document.body.appendChild(pre);
        })();</script>
        """
    }

    /// A JavaScript string literal (JSON's), safe inside a script element.
    static func jsString(_ text: String) throws -> String {
        HTMLReport.scriptSafe(String(String(decoding: try JSONEncoder().encode([text]), as: UTF8.self).dropFirst().dropLast()))
    }

    /// Writes the page with the collector and driver added, opens it in chromium and returns what the driver saw.
    static func open(_ page: String, query: String, node: String, row: Int) throws -> Observed {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var instrumented = page.replacingOccurrences(of: "<head>\n", with: "<head>\n" + collector + "\n")
        instrumented = instrumented.replacingOccurrences(
            of: "</body>", with: try driver(query: query, node: node, row: row) + "\n</body>")
        let file = directory.appendingPathComponent("report.html")
        try instrumented.write(to: file, atomically: true, encoding: .utf8)
        let dom = try run([
            "--dump-dom", "--window-size=1280,900", "--user-data-dir=" + directory.appendingPathComponent("profile").path,
            file.absoluteString,
        ])
        guard let start = dom.range(of: "<pre id=\"nv-test-result\">"),
            let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex),
            let json = Data(base64Encoded: String(dom[start.upperBound..<end.lowerBound]))
        else {
            throw FixtureError("chromium's DOM has no test result:\n\(dom.prefix(2000))")
        }
        return try JSONDecoder().decode(Observed.self, from: json)
    }

    /// Runs headless chromium with `arguments`; returns standard output.
    static func run(_ arguments: [String]) throws -> String {
        let flags = [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--mute-audio",
        ]
        let result = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), flags + arguments)
        guard result.status == 0 else { throw FixtureError("chromium exited with \(result.status): \(result.stderr.suffix(500))") }
        return result.stdout
    }
}

@Suite("Report: in headless chromium") struct ReportBrowserTests {
    /// Every check a person would make, on MobileNet: table, graph, search, node click, row click, fold, sort, colours.
    @Test func mobilenet() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        let page = try HTMLReport.render(stats)
        let seen = try Browser.open(page, query: "conv_dw_13", node: "n5", row: 40)
        let names = stats.model.nodes.map(\.name)
        #expect(seen.exception == nil, "\(seen.exception ?? "")")
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        // Every layer is a row of the table, in order, and a node of the graph (MobileNet has no fused or hidden layer).
        #expect(seen.rowNames == names)
        #expect(seen.rowLayers == Array(0..<names.count))
        #expect(Set(seen.nodeIDs) == Set((0..<names.count).map { "n\($0)" }))
        for name in names { #expect(seen.graphText.contains(name), "\(name) is not in the graph") }
        // Search: conv_dw_13, conv_dw_13_bn, conv_dw_13_relu; Next selects the first.
        let expected = names.indices.filter { names[$0].contains("conv_dw_13") }
        #expect(seen.matchedRows == expected)
        #expect(seen.searchCount == "\(expected.count) found")
        #expect(seen.afterNext == "conv_dw_13")
        // Clicking node n5 opens layer 5's details and highlights its row.
        #expect(seen.nodeDetailsTitle == names[5])
        #expect(seen.selectedRowAfterNodeClick == 5)
        #expect(seen.nodeDetails.contains("Output shape" + stats.model.nodes[5].output.description))
        #expect(seen.nodeDetails.contains("MACs" + NumberFormat.grouped(stats.layers[5].macs)))
        // Clicking row 40 selects it and centres its node (within a few pixels of the view's centre, zoomed in).
        #expect(seen.detailsAfterRow == names[40])
        #expect(seen.rowCentreDistance < 5, "node is \(seen.rowCentreDistance) px from the centre")
        #expect(seen.rowViewWidth < 1500)
        // Folding MobileNet's x5 run hides its 30 layers and shortens the drawing; opening brings them back.
        let run = try #require(RepeatFinder.runs(in: stats).first)
        #expect(seen.foldButton == "Fold")
        #expect(seen.visibleBeforeFold == names.count)
        #expect(seen.visibleFolded == names.count - run.length * run.count)
        #expect(seen.heightFolded < seen.heightBeforeFold * 0.8)
        #expect(seen.visibleOpened == names.count)
        // Sorting by MACs (largest first) puts the costliest layers on top.
        let byMACs = stats.layers.indices.sorted { (stats.layers[$0].macs, $1) > (stats.layers[$1].macs, $0) }
        #expect(seen.sortedByMACs == Array(byMACs.prefix(3)))
        #expect(seen.colouredFills > names.count)
        // Self-contained: the page's three scripts plus the two of this test, no handlers, no outside references.
        #expect(seen.scripts == 4)
        #expect(seen.eventAttributes.isEmpty, "\(seen.eventAttributes)")
        #expect(seen.outsideReferences.isEmpty, "\(seen.outsideReferences)")
    }

    /// Layer names that are markup, an attribute injection, an entity and bidi/noncharacter text stay text.
    @Test func hostileNamesStayText() throws {
        let names = [
            "<script>alert(1)</script>", "\"onmouseover=alert(2) x=\"", "&amp;", "\u{202E}evil", "odd\u{FFFE}name",
            "</script><script>alert(3)</script>",
        ]
        let input = try Input(shape: [8, 8, 3], name: names[0])
        var x = try Conv2D(filters: 4, kernelSize: 3, name: names[1])(input)
        x = try BatchNormalization(name: names[2])(x)
        x = try ReLU(name: names[3])(x)
        x = try GlobalAveragePooling2D(name: names[4])(x)
        x = try Dense(units: 2, name: names[5])(x)
        let stats = try ModelStatistics(try Model(inputs: [input], outputs: [x], name: "<b>hostile</b>"))
        let page = try HTMLReport.render(stats)
        let seen = try Browser.open(page, query: "alert", node: "n1", row: 5)
        #expect(seen.exception == nil, "\(seen.exception ?? "")")
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.rowNames == names)
        #expect(seen.nodeDetailsTitle == names[1])
        #expect(seen.detailsAfterRow == names[5])
        #expect(seen.matchedRows == [0, 1, 5])
        #expect(seen.scripts == 4)
        #expect(seen.eventAttributes.isEmpty, "\(seen.eventAttributes)")
        for name in names where !name.contains("\u{FFFE}") {
            #expect(seen.graphText.contains(name), "\(name) is not shown as text in the graph")
        }
    }

    /// A Keras file with nested models: they are clusters that fold, and their layers are rows.
    @Test func nestedModelsFold() throws {
        let model = try KerasImporter.load(path: Fixtures.url("keras/extra/Mix.json").path).model
        let stats = try ModelStatistics(model.expandingNested(indent: false))
        let page = try HTMLReport.render(stats)
        let seen = try Browser.open(page, query: "inner_", node: "n4", row: 6)
        #expect(seen.exception == nil, "\(seen.exception ?? "")")
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.rowNames == stats.model.nodes.map(\.name))
        #expect(seen.matchedRows == [4, 5, 6])
        #expect(seen.nodeDetailsTitle == "inner_conv")
        // stem_seq (3 layers) folds first; its header row has no node of its own.
        #expect(seen.foldButton == "Fold")
        #expect(seen.visibleFolded == seen.visibleBeforeFold - 3)
        #expect(seen.visibleOpened == seen.visibleBeforeFold)
        #expect(!seen.nodeIDs.contains("n3"))
    }

    /// --fuse: one node for conv1 + conv1_bn + conv1_relu; its details list the three layers.
    @Test func fusedNodes() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        var options = HTMLReportOptions()
        options.fuse = true
        let seen = try Browser.open(try HTMLReport.render(stats, options: options), query: "conv1_bn", node: "n1", row: 2)
        #expect(seen.exception == nil, "\(seen.exception ?? "")")
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.rowNames.count == stats.model.nodes.count)
        #expect(!seen.nodeIDs.contains("n2") && !seen.nodeIDs.contains("n3"))
        #expect(seen.nodeDetails.contains("Drawn asConv2D + BN + ReLU6Fused layersconv1, conv1_bn, conv1_relu"))
        #expect(seen.graphText.contains("(Conv2D + BN + ReLU6)"))
        #expect(seen.rowCentreDistance < 5)
    }
}
