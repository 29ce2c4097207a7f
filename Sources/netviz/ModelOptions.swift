import ArgumentParser
import Foundation
import NetViz

/// How a command names its model: a zoo name (default `mobilenet`) and the zoo's options.
struct ModelOptions: ParsableArguments {
    @Argument(help: "A zoo model (see `netviz models`), or a Keras 3 model file: model.to_json() output or a .keras archive.")
    var model: String = "mobilenet"

    @Flag(name: .customLong("allow-unknown"), help: "Import unknown Keras classes as shape-preserving with 0 params and MACs.")
    var allowUnknown = false

    @Option(parsing: .unconditional, help: "Width multiplier alpha (MobileNet).")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "Input resolution (height = width).")
    var resolution: Int?

    @Option(name: .customLong("depth-multiplier"), parsing: .unconditional, help: "Depthwise depth multiplier (MobileNet).")
    var depthMultiplier: Int?

    @Option(parsing: .unconditional, help: "Number of classes.")
    var classes: Int?

    @Flag(inversion: .prefixedNo, help: "Include the classifier on top.")
    var includeTop: Bool = true

    @Option(parsing: .unconditional, help: "Dropout rate before the classifier.")
    var dropout: Double?

    @Option(help: "Global pooling when the top is left out: avg or max.")
    var pooling: GlobalPoolingChoice?

    func zooOptions() -> ZooOptions {
        var options = ZooOptions()
        if let alpha { options.alpha = alpha }
        if let resolution { options.resolution = resolution }
        if let depthMultiplier { options.depthMultiplier = depthMultiplier }
        if let classes { options.classes = classes }
        options.includeTop = includeTop
        if let dropout { options.dropout = dropout }
        options.pooling = pooling
        return options
    }

    /// The model: from the zoo, or imported from a Keras file (its import warnings go to standard error).
    /// `expandNested` lists nested models' layers after their row (`--expand-nested`).
    func load(expandNested: Bool = false, indentNested: Bool = true) throws -> Model {
        try Self.load(
            model, zoo: zooOptions(), allowUnknown: allowUnknown, expandNested: expandNested, indentNested: indentNested)
    }

    /// A path (anything with a `/` or a `.json`/`.keras` extension, or an existing file that is not a zoo name).
    static func isFile(_ name: String) -> Bool {
        if Zoo.names.contains(name) { return false }
        return name.hasSuffix(".json") || name.hasSuffix(".keras") || name.contains("/")
            || FileManager.default.fileExists(atPath: name)
    }

    /// One way in for every command: a zoo name built with `zoo`, or a Keras file (which takes no zoo options).
    static func load(
        _ name: String, zoo: ZooOptions, allowUnknown: Bool = false, expandNested: Bool = false,
        indentNested: Bool = true
    ) throws -> Model {
        guard isFile(name) else {
            if allowUnknown {
                throw NetVizError.invalidOption(option: "--allow-unknown", message: "applies only to Keras model files")
            }
            return try Zoo.build(name, zoo)
        }
        if let zooOption = zoo.changedOptionNames.first {
            throw NetVizError.invalidOption(option: zooOption, message: "applies only to zoo models, not to the file \(name)")
        }
        var options = KerasImportOptions()
        options.allowUnknown = allowUnknown
        let imported = try KerasImporter.load(path: name, options: options)
        for warning in imported.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return expandNested ? imported.model.expandingNested(indent: indentNested) : imported.model
    }
}

extension GlobalPoolingChoice: ExpressibleByArgument {}
extension SummaryFormat: ExpressibleByArgument {}
