import Foundation
import ArgumentParser
import NetViz

/// The zoo's options, shared by every command that names models. `--alpha` and `--resolution` take one value,
/// or (in `compare models`) a comma-separated list.
struct ZooOptionGroup: ParsableArguments {
    @Option(parsing: .unconditional, help: "Width multiplier alpha (MobileNet); compare takes a comma-separated list.")
    var alpha: String?

    @Option(parsing: .unconditional, help: "Input resolution (height = width); compare takes a comma-separated list.")
    var resolution: String?

    @Option(name: .customLong("depth-multiplier"), parsing: .unconditional, help: "Depthwise depth multiplier (MobileNet).")
    var depthMultiplier: Int?

    @Option(parsing: .unconditional, help: "Number of classes.")
    var classes: Int?

    @Flag(inversion: .prefixedNo, help: "Include the classifier on top (default: yes).")
    var includeTop: Bool?

    @Option(parsing: .unconditional, help: "Dropout rate before the classifier.")
    var dropout: Double?

    @Option(help: "Global pooling when the top is left out: avg or max.")
    var pooling: GlobalPoolingChoice?

    /// Parser-level checks (exit 64, as ArgumentParser's own); value ranges are the library's.
    func validate() throws {
        do {
            _ = try alphas()
            _ = try resolutions()
            if pooling != nil, includeTop != false {
                throw OptionError(flag: "--pooling", message: "applies only with --no-include-top")
            }
        } catch let error as OptionError {
            throw ValidationError(error.description)
        }
    }

    func alphas() throws -> [Double] { try Self.list(alpha, "--alpha") { Double($0) } }
    func resolutions() throws -> [Int] { try Self.list(resolution, "--resolution") { Int($0) } }

    /// The options for one model; `alpha` and `resolution` stand in for the lists (compare's grid and rows).
    func zooOptions(alpha: Double? = nil, resolution: Int? = nil) throws -> ZooOptions {
        var options = ZooOptions()
        if let alpha = try alpha ?? single(alphas(), "--alpha") { options.alpha = alpha }
        if let resolution = try resolution ?? single(resolutions(), "--resolution") { options.resolution = resolution }
        if let depthMultiplier { options.depthMultiplier = depthMultiplier }
        if let classes { options.classes = classes }
        if let includeTop { options.includeTop = includeTop }
        if let dropout { options.dropout = dropout }
        if let pooling { options.pooling = pooling }
        return options
    }

    private func single<T>(_ values: [T], _ flag: String) throws -> T? {
        guard values.count <= 1 else {
            throw OptionError(flag: flag, message: "takes one value here (compare models takes a list)")
        }
        return values.first
    }

    static func list<T>(_ text: String?, _ flag: String, _ parse: (String) -> T?) throws -> [T] {
        guard let text else { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = parse(trimmed) else {
                throw OptionError(flag: flag, message: "'\(trimmed)' in '\(text)' is not a number")
            }
            return value
        }
    }
}
