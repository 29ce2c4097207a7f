import CGraphviz
import Foundation
import Synchronization

/// A picture laid out and drawn by Graphviz, with anything worth telling the user.
public struct PlotResult: Sendable {
    public let format: PlotFormat
    public let data: Data
    /// Things the user should know, one line each: the Cairo size limit, Graphviz's own warnings.
    public let warnings: [String]
    /// For PNG: the bitmap's size in pixels as drawn (after any scaling down to Cairo's limit).
    public let pixelSize: PixelSize?
}

public struct PixelSize: Sendable, Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int
    public var description: String { "\(width) x \(height) px" }
}

/// Every Graphviz call in the process goes through this lock. Graphviz keeps global state (the error
/// handler, the HTML-label parser, plugin and font caches) and is not thread-safe even with one GVC_t per thread.
private let graphvizLock = Mutex<Void>(())

/// Graphviz's messages for the render in progress. Written only by `collectGraphvizMessage`, which Graphviz
/// calls only while `graphvizLock` is held, and read under the same lock.
nonisolated(unsafe) private var graphvizMessages = ""

/// Graphviz calls this in pieces ("Warning", ": ", "text\n"), so the pieces are joined and split at newlines later.
private func collectGraphvizMessage(_ text: UnsafeMutablePointer<CChar>?) -> Int32 {
    if let text { graphvizMessages += String(cString: text) }
    return 0
}

/// Lays out and draws a `PlotDescription` in-process with Graphviz's cgraph and gvc libraries.
///
/// The graph is built directly with agopen/agnode/agedge/agsafeset from the description's nodes and edges
/// (labels through agstrdup_html) rather than parsed back from DOT text with agmemread: the description is
/// already structured, so this skips a parse and any escaping round trip, while `PlotDescription.dot` stays the
/// text form of the very same graph. Resources are freed in order (gvFreeLayout, agclose, gvFreeContext) on
/// every path, errors included.
enum GraphvizRenderer {
    /// Cairo refuses bitmaps with a side of 32767 px or more and Graphviz then silently scales the whole
    /// picture down (`cairogen_begin_page`), so netviz does the scaling itself, knowingly, and says so.
    static let cairoLimit = 32767

    /// Graphviz's default `pad`: 4 points around the drawing.
    static let padPoints = 4.0

    static func render(_ description: PlotDescription, format: PlotFormat, dpi: Int) throws -> PlotResult {
        guard format.graphvizName != nil else {
            return PlotResult(format: format, data: Data(description.dot.utf8), warnings: [], pixelSize: nil)
        }
        return try render(format: format, dpi: dpi) { try build(description) }
    }

    /// The second way in: DOT text parsed by Graphviz (agmemread), as `dot -T...` would read it. Tests use it to
    /// check that the built graph and its DOT text draw the same picture.
    static func render(dotText: String, format: PlotFormat, dpi: Int) throws -> PlotResult {
        guard format.graphvizName != nil else {
            return PlotResult(format: format, data: Data(dotText.utf8), warnings: [], pixelSize: nil)
        }
        return try render(format: format, dpi: dpi) {
            guard let graph = agmemread(dotText) else { throw failure("Graphviz cannot parse the DOT text") }
            return graph
        }
    }

    private static func render(
        format: PlotFormat, dpi: Int, makeGraph: () throws -> UnsafeMutablePointer<Agraph_t>
    ) throws -> PlotResult {
        guard let graphvizFormat = format.graphvizName else {
            throw NetVizError.graph("plot: \(format.rawValue) is not drawn by Graphviz")
        }
        return try graphvizLock.withLock { _ in
            graphvizMessages = ""
            agreseterrors()
            let previousHandler = agseterrf(collectGraphvizMessage)
            defer { agseterrf(previousHandler) }
            var warnings: [String] = []
            let result = try renderLocked(makeGraph, graphvizFormat, format, dpi: dpi, warnings: &warnings)
            let messages = graphvizMessages.split(separator: "\n").map { "graphviz: " + $0 }
            for message in messages where !warnings.contains(message) { warnings.append(message) }
            return PlotResult(format: format, data: result.data, warnings: warnings, pixelSize: result.pixelSize)
        }
    }

    /// Call only with `graphvizLock` held.
    private static func renderLocked(
        _ makeGraph: () throws -> UnsafeMutablePointer<Agraph_t>, _ graphvizFormat: String, _ format: PlotFormat,
        dpi: Int, warnings: inout [String]
    ) throws -> (data: Data, pixelSize: PixelSize?) {
        guard let context = gvContext() else { throw failure("cannot create a Graphviz context") }
        defer { gvFreeContext(context) }
        let graph = try makeGraph()
        defer { agclose(graph) }
        // Registered before layout so a failed layout is cleaned up too (gvFreeLayout is a no-op without one).
        defer { gvFreeLayout(context, graph) }
        try layout(context, graph)

        var pixelSize: PixelSize? = nil
        if format.isBitmap, let size = boundingBox(graph) {
            var drawn = pixels(size, dpi: Double(dpi))
            if drawn.width >= cairoLimit || drawn.height >= cairoLimit {
                // Cairo's own rule: scale = min(32767 / width, 32767 / height); one px less keeps it under.
                let scale = min(Double(cairoLimit - 1) / Double(drawn.width), Double(cairoLimit - 1) / Double(drawn.height))
                let fitted = max(1, Int((Double(dpi) * scale).rounded(.down)))
                warnings.append(
                    "at \(dpi) dpi the PNG would be \(drawn), over Cairo's \(cairoLimit)-px limit; drawing it at "
                        + "\(fitted) dpi instead (scale \(String(format: "%.3f", Double(fitted) / Double(dpi)))), "
                        + "which can make text hard to read; use SVG (--format svg) or --collapse-repeats")
                // dpi is read when the layout is made, so lay out again with the reduced dpi.
                try set(graph, "dpi", .plain(String(fitted)))
                gvFreeLayout(context, graph)
                try layout(context, graph)
                drawn = pixels(size, dpi: Double(fitted))
                // Even 1 dpi too large: Cairo would shrink it again and write an empty PNG. Refuse instead.
                guard drawn.width < cairoLimit, drawn.height < cairoLimit else {
                    throw NetVizError.graph(
                        "plot: the PNG would be \(pixels(size, dpi: Double(dpi))) at \(dpi) dpi and \(drawn) even at "
                            + "\(fitted) dpi, over Cairo's \(cairoLimit)-px limit: use SVG (--format svg) "
                            + "or --collapse-repeats")
                }
            }
            pixelSize = drawn
        }

        var buffer: UnsafeMutablePointer<CChar>? = nil
        var length: UInt32 = 0
        guard gvRenderData(context, graph, graphvizFormat, &buffer, &length) == 0, let buffer else {
            if let buffer { gvFreeRenderData(buffer) }
            throw failure("Graphviz could not render \(format.rawValue)")
        }
        defer { gvFreeRenderData(buffer) }
        guard length > 0 else { throw failure("Graphviz drew an empty \(format.rawValue)") }
        return (Data(bytes: buffer, count: Int(length)), pixelSize)
    }

    private static func layout(_ context: OpaquePointer, _ graph: UnsafeMutablePointer<Agraph_t>) throws {
        guard gvLayout(context, graph, "dot") == 0 else { throw failure("Graphviz's dot layout failed") }
    }

    /// An error with Graphviz's own messages appended. Call only with `graphvizLock` held.
    private static func failure(_ message: String) -> NetVizError {
        let details = graphvizMessages.split(separator: "\n").joined(separator: "; ")
        return NetVizError.graph("plot: " + message + (details.isEmpty ? "" : " (\(details))"))
    }

    // MARK: Building the cgraph graph

    /// A directed graph (cgraph's `Agdirected`, built here because the C global is not concurrency-safe in Swift).
    private static var directed: Agdesc_t {
        var desc = Agdesc_t()
        desc.directed = 1
        desc.maingraph = 1
        return desc
    }

    /// The description as a cgraph graph; on failure the half-built graph is closed before throwing.
    private static func build(_ description: PlotDescription) throws -> UnsafeMutablePointer<Agraph_t> {
        guard let graph = withMutableCString(description.name, { agopen($0, directed, nil) }) else {
            throw failure("cannot create a Graphviz graph")
        }
        do {
            for attribute in description.graphAttributes { try set(graph, attribute.name, attribute.value) }
            for attribute in description.nodeDefaults { try declare(graph, AGNODE, attribute) }
            for attribute in description.edgeDefaults { try declare(graph, AGEDGE, attribute) }
            var nodes: [String: UnsafeMutablePointer<Agnode_t>] = [:]
            func add(_ node: PlotDescription.Node, to subgraph: UnsafeMutablePointer<Agraph_t>?) throws {
                guard let created = withMutableCString(node.id, { agnode(graph, $0, 1) }) else {
                    throw failure("cannot create node \(node.id)")
                }
                if let subgraph { agsubnode(subgraph, created, 1) }
                for attribute in node.attributes { try set(created, attribute.name, attribute.value, in: graph) }
                nodes[node.id] = created
            }
            func add(_ items: [PlotDescription.Item], to parent: UnsafeMutablePointer<Agraph_t>?) throws {
                for item in items {
                    switch item {
                    case .node(let node):
                        try add(node, to: parent)
                    case .cluster(let cluster, let members):
                        guard let subgraph = withMutableCString(cluster.id, { agsubg(parent ?? graph, $0, 1) }) else {
                            throw failure("cannot create subgraph \(cluster.id)")
                        }
                        for attribute in cluster.attributes { try set(subgraph, attribute.name, attribute.value) }
                        try add(members, to: subgraph)
                    }
                }
            }
            try add(description.ordered, to: nil)
            for edge in description.edges {
                guard let tail = nodes[edge.from], let head = nodes[edge.to], agedge(graph, tail, head, nil, 1) != nil else {
                    throw failure("cannot create edge \(edge.from) -> \(edge.to)")
                }
            }
            return graph
        } catch {
            agclose(graph)
            throw error
        }
    }

    /// A default for every node or edge (DOT's `node [...]` / `edge [...]`).
    private static func declare(_ graph: UnsafeMutablePointer<Agraph_t>, _ kind: Int32, _ attribute: PlotDescription.Attribute) throws {
        guard case .plain(let value) = attribute.value else { throw failure("HTML default for \(attribute.name)") }
        let symbol = withMutableCString(attribute.name) { name in withMutableCString(value) { agattr(graph, kind, name, $0) } }
        guard symbol != nil else { throw failure("cannot declare attribute \(attribute.name)") }
    }

    private static func set(_ graph: UnsafeMutablePointer<Agraph_t>, _ name: String, _ value: PlotDescription.Value) throws {
        try set(UnsafeMutableRawPointer(graph), name, value, in: graph)
    }

    private static func set(_ node: UnsafeMutablePointer<Agnode_t>, _ name: String, _ value: PlotDescription.Value, in graph: UnsafeMutablePointer<Agraph_t>) throws {
        try set(UnsafeMutableRawPointer(node), name, value, in: graph)
    }

    /// `agsafeset`; an HTML value goes through agstrdup_html so Graphviz parses it as an HTML label.
    private static func set(_ object: UnsafeMutableRawPointer, _ name: String, _ value: PlotDescription.Value, in graph: UnsafeMutablePointer<Agraph_t>) throws {
        let status: Int32? = withMutableCString(name) { name in
            withMutableCString("") { empty in
                switch value {
                case .plain(let text):
                    return withMutableCString(text) { agsafeset(object, name, $0, empty) }
                case .html(let text):
                    // agsafeset stores the value with agstrdup, which finds this reference-counted HTML string.
                    guard let html = withMutableCString(text, { agstrdup_html(graph, $0) }) else { return nil }
                    defer { agstrfree(graph, html) }
                    return agsafeset(object, name, html, empty)
                }
            }
        }
        guard status == 0 else { throw failure("cannot set attribute \(name)") }
    }

    /// Graphviz takes `char *` even for strings it only reads: hand it a private, mutable, NUL-terminated copy.
    private static func withMutableCString<R>(_ text: String, _ body: (UnsafeMutablePointer<CChar>) -> R?) -> R? {
        var bytes = Array(text.utf8CString)
        return bytes.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap(body) }
    }

    // MARK: Size

    /// The laid-out drawing in points ("bb", which gvLayout sets): width and height.
    private static func boundingBox(_ graph: UnsafeMutablePointer<Agraph_t>) -> (width: Double, height: Double)? {
        guard let text = withMutableCString("bb", { agget(UnsafeMutableRawPointer(graph), $0) }) else { return nil }
        let numbers = String(cString: text).split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Double($0) }
        guard numbers.count == 4 else { return nil }
        return (numbers[2] - numbers[0], numbers[3] - numbers[1])
    }

    /// Pixels of a bitmap drawn at `dpi`, as Graphviz computes them: the drawing plus its pad, in inches x dpi.
    static func pixels(_ size: (width: Double, height: Double), dpi: Double) -> PixelSize {
        func side(_ points: Double) -> Int { Int(((points + 2 * padPoints) * dpi / 72).rounded()) }
        return PixelSize(width: side(size.width), height: side(size.height))
    }
}
