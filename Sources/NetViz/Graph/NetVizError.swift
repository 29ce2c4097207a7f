/// Every error netviz reports: one line that names the layer, file or option and what is wrong.
public enum NetVizError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer's configuration or its input shapes cannot work.
    case layer(name: String, className: String, message: String)
    /// The graph as a whole is malformed (disconnected, duplicate names, ...).
    case graph(String)
    /// A count does not fit in 64 bits.
    case overflow(String)
    /// A setting is out of range or does not apply, named as the library names it (`alpha`, `line_length`);
    /// the CLI shows it as its flag.
    case invalidSetting(name: String, message: String)
    /// A model name that the zoo does not know.
    case unknownModel(name: String, known: [String])
    /// A file that cannot be read or written.
    case file(path: String, message: String)

    public var description: String {
        switch self {
        case let .layer(name, className, message): "layer '\(name)' (\(className)): \(message)"
        case let .graph(message): "model: \(message)"
        case let .overflow(what): "count overflow: \(what) does not fit in 64 bits"
        case let .invalidSetting(name, message): "\(name): \(message)"
        case let .unknownModel(name, known):
            "unknown model '\(name)'; the zoo has: \(known.joined(separator: ", "))"
        case let .file(path, message): "\(path): \(message)"
        }
    }
}

/// What a layer's shape or counting rule throws; the graph adds the layer's name and class.
public struct LayerProblem: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// 64-bit arithmetic that reports overflow as an error instead of trapping.
public enum Checked {
    public static func multiply(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw NetVizError.overflow("\(a) x \(b)") }
        return value
    }

    public static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        if overflow { throw NetVizError.overflow("\(a) + \(b)") }
        return value
    }

    public static func product(_ values: [Int]) throws -> Int64 {
        var result: Int64 = 1
        for value in values { result = try multiply(result, Int64(value)) }
        return result
    }

    public static func sum(_ values: some Sequence<Int64>) throws -> Int64 {
        var result: Int64 = 0
        for value in values { result = try add(result, value) }
        return result
    }
}
